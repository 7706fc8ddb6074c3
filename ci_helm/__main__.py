# Guarded, import included: render workers start with multiprocessing "spawn", which re-imports
# the main module; they must neither rerun the CLI nor pay for importing it.
if __name__ == "__main__":
    from ci_helm.cli.main import main

    raise SystemExit(main())
