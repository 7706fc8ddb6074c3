"""Settings every command shares, declared once."""

from __future__ import annotations

from ci_helm.settings import Setting, declare

__all__ = ["ENGINE_SETTINGS", "GLOBAL_SETTINGS", "PLAIN_HTTP", "REPORT_FORMATS"]

REPORT_FORMATS = ("text", "json", "junit", "sarif", "github", "codequality")

GLOBAL_SETTINGS = declare(
    Setting(
        "config", "path of the ci-helm.yaml config file (default: ./ci-helm.yaml when present)", flag=True
    ),
    Setting("format", "output format", default="text", choices=REPORT_FORMATS),
    Setting("debug", "show tracebacks and engine debug output", kind="bool", default=False),
    Setting("quiet", "print only results, no progress", kind="bool", default=False, short="-q"),
    Setting("color", "colour output", default="auto", choices=("auto", "always", "never")),
    Setting(
        "ct-config",
        "a chart-testing ct.yaml to read (default: $CT_CONFIG_DIR/ct.yaml or ./ct.yaml when present)",
    ),
)

ENGINE_SETTINGS = declare(
    Setting(
        "engine",
        "Helm engine: helm-python (embedded Helm SDK) or helm-cli (a helm binary)",
        default="helm-python",
        choices=("helm-python", "helm-cli"),
    ),
    Setting("helm-binary", "helm binary used by --engine helm-cli", default="helm"),
    Setting(
        "timeout", "seconds a single render may take before its worker is killed", kind="float", default=120.0
    ),
    Setting("kube-version", "Kubernetes version for Capabilities.KubeVersion (e.g. 1.31.0)"),
    Setting(
        "api-versions",
        "extra API versions for Capabilities.APIVersions (repeatable)",
        kind="list",
        default=[],
    ),
    Setting(
        "isolate",
        "render charts in killable worker processes (charts from a PR are untrusted code)",
        kind="bool",
        default=True,
    ),
    Setting("render-workers", "worker processes for isolated renders (default: CPUs, at most 4)", kind="int"),
    Setting(
        "helm-home",
        "root of Helm's cache/config/data dirs (default: $XDG_CACHE_HOME/ci-helm/helm; 'user' = your own)",
    ),
)

# OCI over plain HTTP: pushing (release) and pulling (deploy) share one declaration.
PLAIN_HTTP = declare(
    Setting("plain-http", "plain HTTP to OCI registries (local registries only)", kind="bool", default=False)
)[0]
