"""The subprocess seam, Helm's home directories, the engine factory and the fake engine."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ci_helm.adapters import proc
from ci_helm.engine.base import Engine, LintOptions, ReleaseOptions, Severity
from ci_helm.engine.helm_cli import HelmCliEngine, parse_lint_output
from ci_helm.engine.helm_home import HelmHome
from ci_helm.engine.helm_python_engine import HelmPythonEngine
from ci_helm.errors import ChartError, CommandError, CommandNotFound, CommandTimeout
from ci_helm.settings import Settings
from ci_helm.wiring import engine_from_settings
from tests.conftest import CliResult
from tests.support.charts import write_chart
from tests.support.fake_engine import FakeEngine

# --- proc ------------------------------------------------------------------------------------


def test_run_captures_text_and_input() -> None:
    done = proc.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], input="héllo")
    assert (done.returncode, done.stdout, done.stderr) == (0, "HÉLLO\n", "")


def test_failure_names_command_exit_code_and_last_stderr_line() -> None:
    script = "import sys; sys.stderr.write('noise\\nError: the real reason\\n'); sys.exit(3)"
    with pytest.raises(CommandError) as err:
        proc.run([sys.executable, "-c", script])
    assert err.value.returncode == 3
    assert str(err.value).endswith("failed with exit code 3: Error: the real reason")
    assert proc.run([sys.executable, "-c", script], check=False).returncode == 3


def test_missing_binary_is_a_setup_error() -> None:
    with pytest.raises(CommandNotFound, match="no-such-tool-xyz: command not found") as err:
        proc.run(["no-such-tool-xyz", "--version"])
    assert err.value.exit_code == 2


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(CommandTimeout, match="timed out after 1s"):
        proc.run([sys.executable, "-c", script], timeout=1)
    assert time.monotonic() - started < 10
    grandchild = int(marker.read_text())
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the grandchild survived the timeout")


# --- Helm homes and engine construction ---------------------------------------------------------


def test_helm_home_defaults_to_ci_helm_cache_and_can_be_the_users() -> None:
    home = HelmHome.resolve(None, {"XDG_CACHE_HOME": "/x/cache"})
    assert home.env() == {
        "HELM_CACHE_HOME": "/x/cache/ci-helm/helm/cache",
        "HELM_CONFIG_HOME": "/x/cache/ci-helm/helm/config",
        "HELM_DATA_HOME": "/x/cache/ci-helm/helm/data",
    }
    assert HelmHome.resolve("user", {}).env() == {}


def _settings(**values: object) -> Settings:
    from ci_helm.cli.common import ENGINE_SETTINGS
    from ci_helm.settings import resolve

    flags = {k.replace("-", "_"): v for k, v in values.items()}
    return resolve(ENGINE_SETTINGS, flags=flags, environ={}, file_data={})


def test_engine_factory_follows_settings(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    isolated = engine_from_settings(_settings(), environ=env)
    assert isolated.name == "helm-python" and isolated.timeout == 120.0  # type: ignore[attr-defined]
    isolated.close()  # lends the pool back: the next command in this process reuses its workers
    again = engine_from_settings(_settings(), environ=env)
    assert again._pool is isolated._pool and not again._pool.closed  # type: ignore[attr-defined]
    other = engine_from_settings(_settings(timeout=5), environ=env)
    assert again._pool.closed and not other._pool.closed  # type: ignore[attr-defined]  # one pool kept
    other._pool.close()  # type: ignore[attr-defined]
    assert isinstance(engine_from_settings(_settings(isolate=False), environ=env), HelmPythonEngine)
    assert isinstance(engine_from_settings(_settings(), trusted=True, environ=env), HelmPythonEngine)
    cli = engine_from_settings(_settings(engine="helm-cli", **{"helm-binary": "/opt/helm"}), environ=env)
    assert isinstance(cli, HelmCliEngine) and cli.name == "helm-cli"
    for engine in (isolated, cli, FakeEngine()):
        assert isinstance(engine, Engine)  # all satisfy the protocol


def test_template_never_touches_the_users_helm_dirs(
    tmp_path: Path, run_cli_subprocess: Callable[..., CliResult]
) -> None:
    chart = write_chart(tmp_path, "c", {"templates/cm.yaml": "kind: ConfigMap\nmetadata: {name: x}\n"})
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    result = run_cli_subprocess("template", str(chart), env=env)
    assert result.exit_code == 0, result.stderr
    assert (home / ".cache/ci-helm/helm/cache").is_dir()
    assert not (home / ".cache/helm").exists() and not (home / ".config/helm").exists()


def test_helm_cli_engine_renders_and_lints(tmp_path: Path, helm_oracle: Path) -> None:
    chart = write_chart(
        tmp_path,
        "c",
        {"templates/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: {{ .Release.Name }}\n"},
    )
    engine = HelmCliEngine(str(helm_oracle), HelmHome(tmp_path / "helm"), timeout=60)
    assert engine.version().startswith("v4.")
    rendered = engine.render(chart, {}, ReleaseOptions(name="abc"))
    assert rendered.manifests == {
        "c/templates/cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: abc"
    }
    messages = engine.lint(chart, {}, LintOptions(strict=True))
    assert any(m.severity is Severity.INFO and m.path == "Chart.yaml" for m in messages)
    with pytest.raises(ChartError):
        engine.render(tmp_path / "missing", {}, ReleaseOptions())


def test_embedded_lint_honours_kube_version(tmp_path: Path) -> None:
    bad_on_old = '{{ if semverCompare "<1.25.0-0" .Capabilities.KubeVersion.Version }}\n  : [bad\n{{ end }}\n'
    chart = write_chart(tmp_path, "kv", {"templates/a.yaml": bad_on_old, "values.yaml": "{}\n"})
    engine = HelmPythonEngine(HelmHome(tmp_path / "helm"))
    old = engine.lint(chart, {}, LintOptions(kube_version="1.20.0"))
    new = engine.lint(chart, {}, LintOptions(kube_version="1.30.0"))
    assert any(m.severity is Severity.ERROR and m.path == "templates/a.yaml" for m in old)
    assert not any(m.severity is Severity.ERROR for m in new)


def test_parse_lint_output_keeps_multiline_messages() -> None:
    out = (
        "==> Linting c\n[INFO] Chart.yaml: icon is recommended\n[ERROR] templates/a.yaml: bad\n  more\n"
        "\nError: 1 chart(s) linted, 1 chart(s) failed\n"
    )
    messages = parse_lint_output(out)
    assert [(m.severity.value, m.path, m.message) for m in messages] == [
        ("info", "Chart.yaml", "icon is recommended"),
        ("error", "templates/a.yaml", "bad\n  more"),
    ]


def test_fake_engine_scripts_renders_and_records_calls() -> None:
    fake = FakeEngine(renders={"app": {"app/templates/cm.yaml": "kind: ConfigMap\n"}})
    assert fake.render(Path("/x/app"), {"a": 1}, ReleaseOptions()).manifests == {
        "app/templates/cm.yaml": "kind: ConfigMap\n"
    }
    with pytest.raises(ChartError):
        fake.render(Path("/x/other"), {}, ReleaseOptions())
    assert fake.calls[0] == ("render", "app", {"a": 1}, ReleaseOptions())
