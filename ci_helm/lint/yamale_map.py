"""Map a chart-testing ``chart-yaml-schema`` (Yamale) onto the ``chart-yaml`` rule's options.

ci-helm does not run Yamale; it reads the schema's first document (the Chart.yaml fields)
and takes each field declared without ``required=False`` as required and every declared
field as allowed. chart-testing's default schema therefore means: name, home, version,
apiVersion and description required; the fields it lists allowed. Type validators
(``str()``, ``list(include('maintainer'))``) are checked by the rule itself, more strictly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_helm.errors import ConfigError, YamlError
from ci_helm.yamlio import load_yaml_all

__all__ = ["chart_yaml_options"]

_OPTIONAL = re.compile(r"required\s*=\s*False")


def chart_yaml_options(path: Path) -> dict[str, Any]:
    try:
        docs = list(load_yaml_all(path.read_text(encoding="utf-8"), path=path))
    except OSError as exc:
        raise ConfigError(f"chart-yaml-schema: cannot read {path}: {exc.strerror or exc}") from None
    except YamlError as exc:
        raise ConfigError(f"chart-yaml-schema: {exc}") from None
    if not docs or not isinstance(docs[0], Mapping):
        raise ConfigError(f"chart-yaml-schema: {path} does not map Chart.yaml fields to Yamale validators")
    fields = {str(k): str(v) for k, v in docs[0].items()}
    required = [k for k, v in fields.items() if not _OPTIONAL.search(v)]
    return {"required-fields": required, "allowed-fields": list(fields)}
