"""Charts given as archives (validated before Helm sees them) and Jinja2 charts through ``template``."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult
from tests.support.deploy_charts import write_chart

Cli = Callable[..., CliResult]

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.suffix }}\n"


def _tgz(path: Path, members: dict[str, bytes], *, symlink: tuple[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink[0])
            info.type = tarfile.SYMTYPE
            info.linkname = symlink[1]
            tar.addfile(info)
    return path


def _chart_members(extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    return {
        "arc/Chart.yaml": b"apiVersion: v2\nname: arc\nversion: 0.1.0\n",
        "arc/values.yaml": b"suffix: one\n",
        "arc/templates/cm.yaml": CM.encode(),
        **(extra or {}),
    }


def test_archive_renders_like_its_directory(tmp_path: Path, run_cli: Cli) -> None:
    archive = _tgz(tmp_path / "arc-0.1.0.tgz", _chart_members())
    directory = write_chart(
        tmp_path / "dir", "arc", {k.removeprefix("arc/"): v.decode() for k, v in _chart_members().items()}
    )
    from_archive = run_cli("template", str(archive), "--set", "suffix=two")
    assert from_archive.exit_code == 0, from_archive.stderr
    assert from_archive.stdout == run_cli("template", str(directory), "--set", "suffix=two").stdout
    assert "name: release-name-two" in from_archive.stdout


def test_hostile_archives_are_refused_before_helm(tmp_path: Path, run_cli: Cli) -> None:
    cases = {
        "traversal": _tgz(tmp_path / "a.tgz", _chart_members({"arc/../../evil.yaml": b"x"})),
        "absolute": _tgz(tmp_path / "b.tgz", _chart_members({"/etc/evil.yaml": b"x"})),
        "symlink": _tgz(
            tmp_path / "c.tgz", _chart_members(), symlink=("arc/templates/l.yaml", "/etc/passwd")
        ),
    }
    for label, archive in cases.items():
        result = run_cli("template", str(archive))
        assert result.exit_code in (1, 2), label
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("error: ") and "Traceback" not in result.stderr, (
            label
        )
        assert result.stdout == "", label
    assert not (tmp_path.parent / "evil.yaml").exists()


JINJA = {
    "Chart.yaml": (
        "apiVersion: v2\nname: jin\nversion: 0.1.0\nannotations:\n  ci-helm.io/template-engine: jinja\n"
    ),
    "values.yaml": "replicas: 2\n",
    "templates/svc.yaml.j2": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ Release.Name }}-svc\n",
    "templates/deploy.yaml.j2": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ Release.Name }}\n"
        "spec:\n  replicas: {{ Values.replicas }}\n"
    ),
    "templates/test.yaml.j2": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n"
    ),
    "templates/NOTES.txt.j2": "Hello {{ Release.Name }}\n",
}


def test_jinja_chart_goes_through_the_same_assembly(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(tmp_path, "jin", JINJA)
    result = run_cli("template", str(chart), "--name", "web", "--set", "replicas=3")
    assert result.exit_code == 0, result.stderr
    sources = [line for line in result.stdout.splitlines() if line.startswith("# Source:")]
    assert sources == [  # install order: Service before Deployment, hooks last, no NOTES
        "# Source: jin/templates/svc.yaml",
        "# Source: jin/templates/deploy.yaml",
        "# Source: jin/templates/test.yaml",
    ]
    assert "replicas: 3" in result.stdout and "Hello" not in result.stdout
    shown = run_cli("template", str(chart), "--skip-tests", "-s", "templates/deploy.yaml")
    assert shown.stdout.count("# Source:") == 1 and "kind: Deployment" in shown.stdout


def test_jinja_template_error_names_file_and_line(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(
        tmp_path, "jin", {**JINJA, "templates/bad.yaml.j2": "a: 1\nb: {{ Values.nope.deeper }}\n"}
    )
    result = run_cli("template", str(chart))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("error: ") and "bad.yaml.j2:2" in line and "\n" not in line
