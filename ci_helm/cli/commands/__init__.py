"""One module per subcommand (or subcommand group), discovered by ``ci_helm.cli.main``.

Each module defines ``register(subparsers)``, which adds its parser(s) and sets
``handler=run`` (``run(args, ctx) -> int``) and ``settings=(...)`` (the command's
declared :class:`~ci_helm.settings.Setting` objects) with ``set_defaults``.
"""
