"""``ci-helm repo`` subcommands, one module each (discovered by ``ci_helm.cli.commands.repo``)."""
