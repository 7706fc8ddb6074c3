"""chart-testing compatibility: an existing ``ct.yaml`` and ``CT_*`` variables mean what they meant.

A key ci-helm shares with chart-testing (``chart-dirs``, ``target-branch``,
``check-version-increment``, ``lint-conf``, ...) is read under the same name, or under
its ci-helm name when it was renamed (``use-helmignore`` is ``honor-helmignore``). Keys
ci-helm does not support are named in one warning, never silently dropped.

Precedence: flag > ``CI_HELM_*`` > ``CT_*`` > ``ci-helm.yaml`` > ``ct.yaml`` > default.
``ct.yaml`` is ``--ct-config`` (a global setting), else ``$CT_CONFIG_DIR/ct.yaml``, else ``./ct.yaml`` (or
``.yml``/``.json``) when present; ``lintconf.yaml`` and ``chart_schema.yaml`` in that same
folder are taken as chart-testing takes them. chart-testing's home and ``/etc`` locations
are not searched, so a machine-wide file never changes a build by surprise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.errors import ConfigError
from ci_helm.settings import Resolved, Setting, Settings, Source
from ci_helm.yamlio import read_yaml_file

__all__ = ["CT_KEYS", "CtConfig", "load_ct_config"]

# Every key chart-testing reads from ct.yaml / CT_* (pkg/config and cmd/*.go, v3.x).
CT_KEYS = (
    "remote", "target-branch", "since", "build-id", "lint-conf", "chart-yaml-schema",
    "validate-maintainers", "validate-chart-schema", "validate-yaml", "additional-commands",
    "check-version-increment", "all", "charts", "chart-repos", "chart-dirs", "excluded-charts",
    "helm-extra-args", "helm-repo-extra-args", "helm-dependency-extra-args", "helm-lint-extra-args",
    "helm-extra-set-args", "skip-helm-dependencies", "debug", "upgrade", "skip-missing-values",
    "namespace", "release-label", "release-name", "exclude-deprecated", "kubectl-timeout",
    "print-logs", "use-helmignore", "github-groups", "print-config", "skip-clean-up",
)  # fmt: skip
RENAMED = {"use-helmignore": "honor-helmignore"}
# Keys whose job ci-helm does on its own: accepted without a warning, not mapped to a setting.
AUTOMATIC = {"github-groups", "print-config"}
_FILE_NAMES = ("ct.yaml", "ct.yml", "ct.json")
# Files chart-testing uses when its config folder has them and the key is not set.
DEFAULT_FILES = {"lint-conf": "lintconf.yaml", "chart-yaml-schema": "chart_schema.yaml"}


@dataclass
class CtConfig:
    """What chart-testing configuration contributes to the settings of this run."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)  # ci-helm setting name -> ct.yaml value
    origins: dict[str, str] = field(default_factory=dict)  # ci-helm setting name -> "ct.yaml: key"
    env_aliases: dict[str, str] = field(default_factory=dict)  # ci-helm setting name -> CT_* var
    unsupported: list[str] = field(default_factory=list)  # "key (where)"

    def with_aliases(self, settings: Iterable[Setting]) -> list[Setting]:
        """The settings with their chart-testing variable as an extra, lower-precedence env name."""
        out = []
        for setting in settings:
            alias = self.env_aliases.get(setting.name)
            if alias and alias not in setting.env_aliases:
                setting = dataclasses.replace(setting, env_aliases=(*setting.env_aliases, alias))  # noqa: PLW2901
            out.append(setting)
        return out

    def merged(self, file_data: Mapping[str, Any]) -> dict[str, Any]:
        """ci-helm.yaml over ct.yaml."""
        return {**self.values, **file_data}

    def relabel(self, settings: Settings, file_data: Mapping[str, Any]) -> None:
        """Values that came from ct.yaml say so in ``config print``."""
        for name, resolved in list(settings.values.items()):
            if resolved.source is Source.FILE and name not in file_data and name in self.origins:
                settings.values[name] = Resolved(
                    resolved.setting, resolved.value, Source.FILE, self.origins[name]
                )

    def notes(self) -> list[str]:
        if not self.unsupported:
            return []
        return [
            "chart-testing settings ci-helm does not support are ignored: "
            + ", ".join(self.unsupported)
            + " (see README: Coming from chart-testing)"
        ]


def _setting_name(ct_key: str) -> str:
    return RENAMED.get(ct_key, ct_key)


def find_ct_config(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    if explicit:
        path = Path(explicit) if Path(explicit).is_absolute() else cwd / explicit
        if not path.is_file():
            raise ConfigError(f"chart-testing config not found: {explicit}")
        return path
    folders = [Path(environ["CT_CONFIG_DIR"])] if environ.get("CT_CONFIG_DIR") else [cwd]
    return next((f / n for f in folders for n in _FILE_NAMES if (f / n).is_file()), None)


def load_ct_config(
    explicit: str | None, environ: Mapping[str, str], cwd: Path, known: Collection[str]
) -> CtConfig:
    """Read ct.yaml and CT_* variables; ``known`` is every setting name ci-helm declares."""
    config = CtConfig(path=find_ct_config(explicit, environ, cwd))
    if config.path is not None:
        _read_file(config, config.path, known)
    for key in CT_KEYS:
        var = "CT_" + key.upper().replace("-", "_")
        if environ.get(var) in (None, "") or _is_ct_default_since(key, environ[var]):
            continue
        if _supported(key, known):
            config.env_aliases[_setting_name(key)] = var
        elif key not in AUTOMATIC:
            config.unsupported.append(f"{key} ({var})")
    _default_files(config, environ, cwd, known)
    return config


def _default_files(config: CtConfig, environ: Mapping[str, str], cwd: Path, known: Collection[str]) -> None:
    """chart-testing picks up ``lintconf.yaml`` and ``chart_schema.yaml`` from its config folder."""
    folder = Path(environ["CT_CONFIG_DIR"]) if environ.get("CT_CONFIG_DIR") else cwd
    for key, name in DEFAULT_FILES.items():
        if key not in known or key in config.values or key in config.env_aliases:
            continue
        path = folder / name
        if path.is_file():
            config.values[key] = str(path)
            config.origins[key] = f"{name} (chart-testing's default location)"


def _is_ct_default_since(key: str, value: Any) -> bool:
    """ct's ``since: HEAD`` is its default (merge-base with HEAD); ours would mean "no change"."""
    return key == "since" and str(value) == "HEAD"


def _supported(key: str, known: Collection[str]) -> bool:
    return key not in AUTOMATIC and _setting_name(key) in known


def _read_file(config: CtConfig, path: Path, known: Collection[str]) -> None:
    data = read_yaml_file(path, duplicates="error")
    if data is None:
        return
    if not isinstance(data, dict):
        raise ConfigError("chart-testing config must be a mapping of keys to values", path=path)
    for raw_key, value in data.items():
        key = str(raw_key)
        if _is_ct_default_since(key, value):
            continue
        if _supported(key, known):
            config.values[_setting_name(key)] = value
            config.origins[_setting_name(key)] = f"{path.name}: {key}"
        elif key not in AUTOMATIC:
            config.unsupported.append(f"{key} ({path.name})")
