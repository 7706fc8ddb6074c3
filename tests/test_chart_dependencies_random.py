"""Random dependency set-ups (aliases, conditions, tags, import-values, three levels) against Helm.

Each case writes a parent with one or two uses of a subchart (which has its own subchart),
random condition paths holding booleans or not, random tags and imports, and random user
values; the ``.Values`` every rendered chart sees must equal what Helm's templates print.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from ci_helm.chart.dependencies import chart_values_tree, render_values
from ci_helm.chart.loader import load_chart

DEEP = "/".join(["d"] * 30)


def _normalise(value: Any) -> Any:
    return json.loads(json.dumps(value), parse_int=float)


class _Case:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def flag(self) -> Any:
        return self.rng.choice([True, False, True, False, None, "yes", 1])

    def dep(self, name: str, alias: str | None = None) -> str:
        rng, key = self.rng, alias or name
        lines = [f"- name: {name}", "  version: 0.1.0"] + ([f"  alias: {alias}"] if alias else [])
        if rng.random() < 0.6:
            paths = [f"{key}.enabled", "x.flag", f"missing.a,{key}.enabled", "x.flag,y.flag", "y.flag,x.flag"]
            lines.append("  condition: " + rng.choice(paths))
        if rng.random() < 0.5:
            lines.append("  tags: [" + ", ".join(rng.sample(["t1", "t2"], rng.randint(1, 2))) + "]")
        if rng.random() < 0.4:
            lines.append("  import-values: [data, {child: deep, parent: imp}]")
        return "\n".join(lines)

    def values(self, names: list[str]) -> dict[str, Any]:
        rng = self.rng
        out: dict[str, Any] = {
            n: {"enabled": self.flag(), "k": rng.choice([1, None, "p"])} for n in names if rng.random() < 0.7
        }
        if rng.random() < 0.5:
            out["tags"] = {t: self.flag() for t in rng.sample(["t1", "t2"], rng.randint(0, 2))}
        if rng.random() < 0.7:
            out["x"] = {"flag": self.flag()}
        if rng.random() < 0.7:
            out["y"] = {"flag": self.flag()}
        if rng.random() < 0.4:
            out["global"] = {"g": rng.choice([1, None, {"n": 1}])}
        if rng.random() < 0.3:
            out["imp"] = {"deep": rng.choice([1, {"q": 2}])}
        return out

    def write(self, root: Path) -> dict[str, Any]:
        sub, inner = root / "charts" / "sub", root / "charts" / "sub" / "charts" / "inner"
        deps = [self.dep("sub", self.rng.choice([None, "first"]))]
        deps += [self.dep("sub", "second")] if self.rng.random() < 0.6 else []
        charts = {
            root: ("q", "dependencies:\n" + "\n".join(deps) + "\n", self.values(["sub", "first", "second"])),
            sub: (
                "sub",
                "dependencies:\n" + self.dep("inner") + "\n",
                {**self.values(["inner"]), "exports": {"data": {"exported": 1}}, "deep": {"from": "sub"}},
            ),
            inner: (
                "inner",
                "",
                {"exports": {"data": {"fromInner": 1}}, "deep": {"i": 1}, "enabled": self.flag()},
            ),
        }
        for directory, (name, deps_text, values) in charts.items():
            (directory / "templates" / DEEP).mkdir(parents=True)
            (directory / "templates" / DEEP / "zz.json").write_text("{{ toJson .Values }}\n")
            (directory / "Chart.yaml").write_text(
                f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{deps_text}"
            )
            (directory / "values.yaml").write_text(json.dumps(values))
        return self.values(["sub", "first", "second"])


def _ours(root: Path, user: dict[str, Any]) -> dict[str, Any]:
    processed, values = render_values(load_chart(root), user)
    return {
        "/".join(
            ["q", *[p for n in entry.path for p in ("charts", n)], "templates", DEEP, "zz.json"]
        ): _normalise(entry.values)
        for entry in chart_values_tree(processed, values)
    }


def test_random_dependency_setups_match_helm(tmp_path: Path) -> None:
    import helm_python

    rng = random.Random(424242)
    for iteration in range(60):
        root = tmp_path / f"q{iteration}"
        user = _Case(rng).write(root)
        rendered = helm_python.Chart.load(str(root)).render(user, name="r", namespace="d")
        helms = {k: _normalise(json.loads(v)) for k, v in rendered.items() if k.endswith("zz.json")}
        assert _ours(root, user) == helms, (iteration, (root / "Chart.yaml").read_text(), user)
