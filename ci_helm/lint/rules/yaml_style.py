"""YAML style (yamllint) of Chart.yaml, values.yaml and the ci values files.

Uses chart-testing's default configuration (line length off, ``truthy`` as a warning,
duplicate keys, trailing spaces, indentation consistency, ...) unless a yamllint
configuration file is given: the ``config-file`` option, or the shared ``lint-conf``
setting (chart-testing's ``--lint-conf``). yamllint errors take this rule's level;
yamllint warnings stay warnings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from yamllint.config import YamlLintConfig, YamlLintConfigError

from ci_helm.errors import ConfigError
from ci_helm.lint import yamllint_fast
from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "yaml-style"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "chart"

_configs: dict[str, YamlLintConfig] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Options:
    config_file: str | None = None


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    config_path = options.config_file or ctx.services.settings.get("lint-conf")
    _config(config_path)  # a bad config is a usage error here, in the main process
    chart = ctx.chart
    files = [
        (f.path, f.text)
        for f in (chart.chart_yaml, chart.values_yaml, *chart.ci_values)
        if f is not None and f.text and not (f.error and f.data is None)  # unparsable: yaml-syntax
    ]
    for path, line, column, level, message in ctx.services.offload(lint_files, config_path, files):
        yield Finding(message, path, line, column, Level.WARNING if level == "warning" else None)


def lint_files(config_path: str | None, files: list[tuple[str, str]]) -> list[tuple[str, int, int, str, str]]:
    """yamllint over (path, text) pairs; a pure function, so it can run in another process.

    ``yamllint_fast.run`` gives exactly ``yamllint.linter.run``'s problems, with libyaml doing the scanning.
    """
    config = _config(config_path)
    out = []
    for path, text in files:
        for problem in yamllint_fast.run(text, config, path):
            if problem.rule == "key-duplicates":
                continue  # yaml-syntax reports duplicate keys as errors
            rule = f" ({problem.rule})" if problem.rule else ""
            out.append((path, problem.line, problem.column, str(problem.level), f"{problem.desc}{rule}"))
    return out


def _config(path: str | None) -> YamlLintConfig:
    key = path or ""
    with _lock:
        if key not in _configs:
            _configs[key] = _load(path)
        return _configs[key]


def _load(path: str | None) -> YamlLintConfig:
    if path is None:
        text = resources.files("ci_helm.lint").joinpath("data/ct-lintconf.yaml").read_text(encoding="utf-8")
        return YamlLintConfig(text)
    try:
        return YamlLintConfig(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"lint-conf: cannot read {path}: {exc.strerror or exc}") from None
    except YamlLintConfigError as exc:
        raise ConfigError(f"lint-conf: {path}: {exc}") from None
