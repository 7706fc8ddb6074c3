"""``make demo``: the main job of ci-helm on ``examples/``, as a list of stages, no external service.

Each stage runs real ``ci-helm`` commands (in a child process, as a CI job would) and returns
one summary line per thing it did. Later work appends stages (lint, package, release, deploy
dry-run) with :func:`stage`; the order of registration is the order of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ci_helm.demo_release import RELEASE_SUMMARY, release_examples

__all__ = ["STAGES", "DemoContext", "Stage", "StageFailed", "main", "stage"]

REPO_ROOT = Path(__file__).resolve().parent.parent


class StageFailed(Exception):
    """A stage's command failed; the message is what the user needs to see."""


@dataclass
class DemoContext:
    examples: list[Path]
    workdir: Path  # scratch space for files stages write (removed afterwards)
    env: dict[str, str] = field(default_factory=dict)

    def ci_helm(self, *args: str, timeout: float = 300) -> str:
        """Run ``ci-helm ARGS`` in a child process; its stdout, or StageFailed with its error."""
        proc = subprocess.run(
            [sys.executable, "-m", "ci_helm", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.workdir,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise StageFailed(f"ci-helm {' '.join(args)} exited {proc.returncode}: {last}")
        return proc.stdout


@dataclass(frozen=True)
class Stage:
    name: str
    summary: str
    run: Callable[[DemoContext], list[str]]


STAGES: list[Stage] = []


def stage(
    name: str, summary: str
) -> Callable[[Callable[[DemoContext], list[str]]], Callable[[DemoContext], list[str]]]:
    """Register a stage; it returns the lines to print under its heading."""

    def register(run: Callable[[DemoContext], list[str]]) -> Callable[[DemoContext], list[str]]:
        STAGES.append(Stage(name, summary, run))
        return run

    return register


def _values_sets(chart: Path) -> list[Path | None]:
    return [None, *sorted((chart / "ci").glob("*-values.yaml"))]


def _describe(manifest: str) -> str:
    docs = [d for d in yaml.safe_load_all(manifest) if isinstance(d, dict)]
    hooks = sum(1 for d in docs if "helm.sh/hook" in ((d.get("metadata") or {}).get("annotations") or {}))
    kinds = Counter(str(d.get("kind")) for d in docs)
    listed = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(kinds.items()))
    return f"{len(docs)} objects ({listed}){f', {hooks} test hook' if hooks else ''}"


def _engine(chart: Path) -> str:
    return (
        "jinja" if any(p.suffix in (".j2", ".jinja") for p in (chart / "templates").rglob("*")) else "gotpl"
    )


@stage("render", "ci-helm template on every example, with its defaults and each ci/*-values.yaml")
def render_examples(ctx: DemoContext) -> list[str]:
    lines = []
    for chart in ctx.examples:
        for values in _values_sets(chart):
            extra = ["-f", str(values)] if values else []
            started = time.monotonic()
            out = ctx.ci_helm("template", "--name", "demo", str(chart), *extra)
            took = time.monotonic() - started
            label = values.relative_to(chart).as_posix() if values else "defaults"
            lines.append(f"{chart.name:<10} {_engine(chart):<6} {label:<24} {_describe(out)}  {took:.1f}s")
    return lines


@stage("lint", "ci-helm lint: every check of a pull request on the examples, one JUnit report for CI")
def lint_examples(ctx: DemoContext) -> list[str]:
    junit = ctx.workdir / "lint-junit.xml"
    # The examples are not in a git repository of their own here, so there is no target branch
    # to compare versions with; every other rule runs.
    out = ctx.ci_helm(
        "lint",
        *map(str, ctx.examples),
        "--disable-rules",
        "version-increment",
        "--format",
        "json",
        "--report",
        f"junit={junit}",
    )
    report = json.loads(out)
    lines = []
    for chart in report["charts"]:
        checks = chart["checks"]
        problems = [p for c in checks for p in c["problems"]]
        levels = Counter(p["level"] for p in problems)
        counts = ", ".join(f"{n} {lvl}" for lvl, n in sorted(levels.items())) or "no problems"
        lines.append(f"{chart['name']:<10} {len(checks)} checks passed: {counts}")
    lines.append(f"JUnit report: {junit.stat().st_size} bytes ({len(report['charts'])} charts)")
    return lines


@stage("params", "ci-helm chart show / chart params: documented parameters and a values stub")
def document_examples(ctx: DemoContext) -> list[str]:
    lines = []
    for chart in ctx.examples:
        shown = ctx.ci_helm("--format", "json", "chart", "show", str(chart))
        params = yaml.safe_load(shown)["parameters"]
        documented = sum(1 for p in params if p["description"])
        stub = ctx.workdir / f"{chart.name}-values.yaml"
        ctx.ci_helm("chart", "params", str(chart), "-o", str(stub))
        same = ctx.ci_helm("template", "--name", "demo", str(chart), "-f", str(stub)) == ctx.ci_helm(
            "template", "--name", "demo", str(chart)
        )
        verdict = "renders like the defaults" if same else "DIFFERS from the defaults"
        lines.append(f"{chart.name:<10} {len(params)} parameters ({documented} documented); stub {verdict}")
        if not same:
            raise StageFailed(f"the values stub of {chart.name} changes its render")
    return lines


@stage("create", "ci-helm create: a new Go-template and a new Jinja2 chart render out of the box")
def create_charts(ctx: DemoContext) -> list[str]:
    lines = []
    for name, flags in (("new-go-chart", []), ("new-jinja-chart", ["--jinja"])):
        ctx.ci_helm("create", name, *flags)
        out = ctx.ci_helm("template", "--name", "demo", str(ctx.workdir / name))
        lines.append(f"{name:<16} {_describe(out)}")
    return lines


@stage("release artifacts", "ci-helm package --sign, verify and repo index, with a throwaway DEMO key")
def package_examples(ctx: DemoContext) -> list[str]:
    dist = ctx.workdir / "dist"
    key, public = _demo_key(ctx.workdir / "demo-gnupg")
    lines = ["signing key: a throwaway DEMO key generated for this run (never use it for real releases)"]
    saved = ctx.env
    ctx.env = {**saved, "CI_HELM_SIGN_KEY": key, "SOURCE_DATE_EPOCH": "1700000000"}
    try:
        rows = json.loads(
            ctx.ci_helm("--format", "json", "package", *map(str, ctx.examples), "-d", str(dist), "--sign")
        )
        again = json.loads(
            ctx.ci_helm("--format", "json", "package", *map(str, ctx.examples), "-d", str(dist))
        )
    finally:
        ctx.env = saved
    for row, second in zip(rows, again, strict=True):
        same = "reproducible" if row["digest"] == second["digest"] else "NOT REPRODUCIBLE"
        lines.append(f"{row['name']:<10} {row['version']:<8} {row['digest'][:23]}…  {same}, signed")
        if row["digest"] != second["digest"]:
            raise StageFailed(f"{row['name']}: two runs gave different archives")
    packages = [str(dist / Path(r["path"]).name) for r in rows]
    verified = json.loads(ctx.ci_helm("--format", "json", "verify", *packages, "--keyring", str(public)))
    lines.append(f"verify: {sum(v['verified'] for v in verified)}/{len(verified)} packages verified")
    index = json.loads(ctx.ci_helm("--format", "json", "repo", "index", str(dist)))
    lines.append(f"repo index: {index['versions']} versions of {index['charts']} charts in index.yaml")
    return lines


# Last stage: publish what the stage above packaged and signed, then serve it (helper "release").
stage("release", RELEASE_SUMMARY)(release_examples)


def _demo_key(home: Path) -> tuple[str, Path]:
    """A passphrase-less DEMO signing key in its own GNUPGHOME; returns it armored and a public keyring."""
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}

    def gpg(*args: str) -> bytes:
        done = subprocess.run(["gpg", "--batch", "--yes", *args], env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise StageFailed(f"gpg {args[0]} failed: {done.stderr.decode(errors='replace').strip()[-200:]}")
        return done.stdout

    uid = "ci-helm DEMO key (throwaway) <demo@ci-helm.invalid>"
    gpg("--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "1d")
    armored = gpg("--armor", "--export-secret-keys").decode()
    public = home.parent / "demo-pubring.gpg"
    public.write_bytes(gpg("--export"))
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, check=False)
    return armored, public


@stage("deploy", "ci-helm deploy --dry-run: what a deploy stage would apply (no cluster: everything added)")
def deploy_dry_run(ctx: DemoContext) -> list[str]:
    lines = []
    nowhere = str(ctx.workdir / "no-cluster.kubeconfig")  # no cluster needed for a dry run
    for chart in ctx.examples:
        out = ctx.ci_helm(
            "--format", "json", "deploy", str(chart), "-n", "demo", "--dry-run", "--kubeconfig", nowhere
        )
        changes = yaml.safe_load(out)["changes"]
        kinds = Counter(str(c["kind"]) for c in changes if c["action"] == "added")
        listed = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(kinds.items()))
        lines.append(f"{chart.name:<10} {_engine(chart):<6} would add {len(changes)} objects ({listed})")
    return lines


def run_stages(stages: Sequence[Stage], ctx: DemoContext, write: Callable[[str], Any]) -> bool:
    ok = True
    for number, s in enumerate(stages, start=1):
        write(f"\n[{number}/{len(stages)}] {s.name}: {s.summary}")
        started = time.monotonic()
        try:
            for line in s.run(ctx):
                write(f"  {line}")
        except StageFailed as exc:
            write(f"  FAILED: {exc}")
            ok = False
            continue
        write(f"  ok ({time.monotonic() - started:.1f}s)")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    examples = sorted(p.parent for p in (REPO_ROOT / "examples").glob("*/Chart.yaml"))
    print(f"ci-helm demo: the main job on {len(examples)} example charts in examples/ (no external service)")
    with tempfile.TemporaryDirectory(prefix="ci-helm-demo-") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
        ctx = DemoContext(examples=examples, workdir=Path(tmp), env=env)
        ok = run_stages(STAGES, ctx, print)
    print("\n" + ("demo passed: every stage ok" if ok else "demo FAILED: see the stages above"))
    return 0 if ok else 1


if __name__ == "__main__":
    # Run the imported module's main, so stages other modules register (the example workflows in
    # ci_helm.demo_workflows) land in the same STAGES list as the ones above.
    import ci_helm.demo_workflows  # noqa: F401
    from ci_helm.demo import main as registered_main

    sys.exit(registered_main())
