from ci_helm.cli.main import main

# Guarded: render workers start with multiprocessing "spawn", which re-imports the main module.
if __name__ == "__main__":
    raise SystemExit(main())
