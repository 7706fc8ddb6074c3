from ci_helm.cli.main import main

raise SystemExit(main())
