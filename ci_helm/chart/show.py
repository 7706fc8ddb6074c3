"""``show chart|values|readme|crds|all``: the text ``helm show`` prints, byte for byte.

Helm's rules (pkg/action/show.go): ``chart`` is Chart.yaml as Helm's Metadata struct,
re-marshalled (so unknown keys vanish and keys sort); ``values`` is values.yaml as
written (nothing when the chart has none); ``readme`` is the first top-level file named
README.md / README.txt / README (any case); ``crds`` are the chart's and its subcharts'
``crds/*.yaml|yml|json``, each preceded by ``---`` unless it starts with one. ``all``
joins the sections with ``---`` lines.
"""

from __future__ import annotations

from typing import Literal

from ci_helm.chart.goyaml_emit import go_yaml_dump
from ci_helm.chart.model import Chart, ChartFile

__all__ = ["SECTIONS", "Section", "chart_crds", "find_readme", "show"]

Section = Literal["all", "chart", "values", "readme", "crds"]
SECTIONS: tuple[Section, ...] = ("all", "chart", "values", "readme", "crds")
_README_NAMES = ("readme.md", "readme.txt", "readme")
_MANIFEST_EXTENSIONS = (".yaml", ".yml", ".json")


def show(chart: Chart, section: Section) -> str:
    parts: list[str] = []
    everything = section == "all"
    if section in ("chart", "all"):
        parts.append(go_yaml_dump(chart.metadata.document) + "\n")
    if section in ("values", "all") and chart.has_values_file:
        parts.append(("---\n" if everything else "") + chart.values_text + "\n")
    if section in ("readme", "all"):
        readme = find_readme(chart)
        if readme is not None:
            parts.append(("---\n" if everything else "") + readme.text + "\n")
    if section in ("crds", "all"):
        for crd in chart_crds(chart):
            parts.append(("" if crd.data.startswith(b"---") else "---\n") + crd.text + "\n")
    return "".join(parts)


def find_readme(chart: Chart) -> ChartFile | None:
    for f in chart.helm_files:
        if f.name.casefold() in _README_NAMES:
            return f
    return None


def chart_crds(chart: Chart) -> list[ChartFile]:
    """Helm's ``CRDObjects``: this chart's CRD files, then each subchart's, depth first."""
    own = [c for c in chart.crds if c.name.lower().endswith(_MANIFEST_EXTENSIONS) and _ext_ok(c.name)]
    return own + [crd for sub in chart.subcharts for crd in chart_crds(sub)]


def _ext_ok(name: str) -> bool:
    """``filepath.Ext``: the extension is the part after the last dot of the base name."""
    base = name.rsplit("/", 1)[-1]
    return "." in base
