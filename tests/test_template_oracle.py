"""``ci-helm template`` against the helm oracle on a chart built to hit every assembly rule.

The chart has partials, NOTES.txt, glued ``---kind`` separators, comment-only documents,
unknown kinds, hooks (with a test hook and a Helm 2 ``crd-install`` hook that Helm drops),
CRDs in the chart and in an enabled and a disabled subchart, and Capabilities checks.
Outputs are compared document by document (``tests/support/helm_compare``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.deploy_charts import write_chart
from tests.support.helm_compare import compare_outputs

Cli = Callable[..., CliResult]

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {name}.example.com
spec:
  group: example.com
  names: {{kind: {kind}, plural: {name}}}
  scope: Namespaced
  versions: [{{name: v1, served: true, storage: true}}]
"""

TRICKY = {
    "Chart.yaml": """apiVersion: v2
name: tricky
version: 0.1.0
dependencies:
  - name: sub
    version: 0.1.0
    condition: sub.enabled
  - name: other
    version: 0.1.0
    alias: renamed
    condition: renamed.enabled
""",
    "values.yaml": "renamed:\n  enabled: false\nextra: true\n",
    "crds/b-widgets.yaml": CRD.format(name="widgets", kind="Widget"),
    "crds/a-gadgets.yml": CRD.format(name="gadgets", kind="Gadget"),
    "crds/README.md": "not a manifest\n",
    "templates/_helpers.tpl": '{{- define "tricky.name" -}}{{ .Release.Name }}-tricky{{- end -}}\n',
    "templates/NOTES.txt": "Installed {{ .Release.Name }}.\n",
    "templates/a.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "tricky.name" . }}
data:
  upgrade: {{ .Release.IsUpgrade | quote }}
  ns: {{ .Release.Namespace }}
{{- if .Values.extra }}
---
{{- end }}
apiVersion: v1
kind: Secret
metadata:
  name: glued
---
# only a comment


""",
    "templates/b.yaml": """kind: Zebra
apiVersion: example.com/v1
metadata:
  name: z
---
kind: Deployment
apiVersion: apps/v1
metadata:
  name: d
---
kind: Alpha
apiVersion: example.com/v1
metadata:
  name: a
---
kind: Namespace
apiVersion: v1
metadata:
  name: n
""",
    "templates/caps.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: caps
data:
  has-example: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}
  has-apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
  {{- if .Capabilities.APIVersions.Has "example.com/v1" }}
  kube: {{ .Capabilities.KubeVersion.Minor | quote }}
  kube-version: {{ .Capabilities.KubeVersion }}
  {{- end }}
""",
    "templates/empty.yaml": "{{- if false }}\nkind: Nothing\n{{- end }}\n",
    "templates/hooks.yaml": """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-1"
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: legacy
  annotations:
    helm.sh/hook: crd-install
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: hook-cm
  annotations:
    "helm.sh/hook": post-install
""",
    "templates/tests/test-conn.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: test-conn
  annotations:
    helm.sh/hook: test
""",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/sub/values.yaml": "enabled: true\n",
    "charts/sub/crds/sub-crd.yaml": CRD.format(name="subthings", kind="SubThing"),
    "charts/sub/templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: sub\n",
    "charts/other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 0.1.0\n",
    "charts/other/crds/other-crd.yaml": CRD.format(name="others", kind="Other"),
    "charts/other/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n",
}


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_chart(tmp_path_factory.mktemp("charts"), "tricky", TRICKY)


def helm_args(chart: Path, args: tuple[str, ...]) -> list[str]:
    """Our ``--name X`` is helm's positional ``NAME`` (``helm template [NAME] CHART``)."""
    out, name = list(args), []
    if "--name" in out:
        i = out.index("--name")
        name = [out[i + 1]]
        del out[i : i + 2]
    return [*name, str(chart), *out]


def same_modulo_trailing_newlines(helm: str, ours: str) -> bool:
    """helm#31952: Helm 4.2 keeps a template's trailing newlines before the next document."""
    squeeze = re.compile(r"\n+(?=---\n# Source: )")
    return squeeze.sub("\n", helm).rstrip("\n") == squeeze.sub("\n", ours).rstrip("\n")


def oracle(helm: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HELM_CACHE_HOME": str(Path.home() / "hc"),
        "HELM_CONFIG_HOME": str(Path.home() / "hcfg"),
    }
    return subprocess.run(
        [str(helm), "template", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=120,
    )


SCENARIOS = {
    "default": (),
    "include-crds": ("--include-crds",),
    "skip-tests": ("--skip-tests",),
    "show-only": (
        "--show-only",
        "templates/b.yaml",
        "-s",
        "charts/sub/templates/*",
        "-s",
        "templates/tests/*",
    ),
    "show-only-crds": ("--include-crds", "-s", "crds/*"),
    "release": ("--name", "rel", "--namespace", "ns", "--is-upgrade"),  # helm: NAME is positional
    "capabilities": ("--kube-version", "1.29.3", "--api-versions", "example.com/v1"),
    "subchart-enabled": ("--include-crds", "--set", "renamed.enabled=true", "--set", "sub.enabled=false"),
    "values-off": ("--set", "extra=false"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_matches_helm(tricky: Path, helm_oracle: Path, run_cli: Cli, scenario: str) -> None:
    args = SCENARIOS[scenario]
    expected = oracle(helm_oracle, *helm_args(tricky, args))
    assert expected.returncode == 0, expected.stderr
    ours = run_cli("template", str(tricky), *args)
    assert ours.exit_code == 0, ours.stderr
    assert compare_outputs(expected.stdout, expected.stdout, ours.stdout) == []
    assert same_modulo_trailing_newlines(expected.stdout, ours.stdout)


def test_helm_cli_engine_matches_helm_exactly(tricky: Path, helm_oracle: Path, run_cli: Cli) -> None:
    """Through the helm-cli engine our assembly must reproduce helm's output byte for byte."""
    args = ("--include-crds", "--name", "x")
    expected = oracle(helm_oracle, *helm_args(tricky, args))
    ours = run_cli("template", str(tricky), *args, "--engine", "helm-cli", "--helm-binary", str(helm_oracle))
    assert ours.exit_code == 0, ours.stderr
    assert ours.stdout == expected.stdout


def test_output_dir_writes_the_same_files(
    tricky: Path, helm_oracle: Path, run_cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "helm").mkdir()
    (tmp_path / "ours").mkdir()
    expected = oracle(
        helm_oracle, str(tricky), "--include-crds", "--output-dir", "out", cwd=tmp_path / "helm"
    )
    assert expected.returncode == 0, expected.stderr
    ours = run_cli("template", str(tricky), "--include-crds", "--output-dir", "out", cwd=tmp_path / "ours")
    assert ours.exit_code == 0, ours.stderr
    assert ours.stdout == expected.stdout  # the "wrote out/..." lines, in helm's order
    theirs_files = sorted(
        p.relative_to(tmp_path / "helm") for p in (tmp_path / "helm").rglob("*") if p.is_file()
    )
    our_files = sorted(
        p.relative_to(tmp_path / "ours") for p in (tmp_path / "ours").rglob("*") if p.is_file()
    )
    assert our_files == theirs_files
    for rel in theirs_files:
        mine = (tmp_path / "ours" / rel).read_text()
        assert (
            compare_outputs(
                (tmp_path / "helm" / rel).read_text(), (tmp_path / "helm" / rel).read_text(), mine
            )
            == []
        )


def test_show_only_missing_path_is_helms_error(tricky: Path, run_cli: Cli) -> None:
    result = run_cli("template", str(tricky), "-s", "templates/nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: could not find template templates/nope.yaml in chart\n"
    assert result.stdout == ""
