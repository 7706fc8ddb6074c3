"""The four example workflows of ``examples/workflows/``, run end to end by ``make demo``.

Each example is a skeleton (pipeline files written by ``ci-helm init-ci``, ``ci-helm.yaml``, app
code) plus the charts named in its ``example.yaml``, copied from ``examples/``. A stage builds a
throwaway git repository from it and runs what its pipeline runs — ``ci-helm ci-step`` with the
variables the GitHub action / GitLab job / Jenkins step would set — against local servers
(:mod:`ci_helm.demo_servers`). ``python -m ci_helm.demo_workflows --regenerate`` rewrites the
examples' pipeline files with the current templates.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ci_helm.demo import REPO_ROOT, DemoContext, StageFailed, stage
from ci_helm.demo_servers import (
    REGISTRY_PASSWORD,
    REGISTRY_USER,
    UPLOAD_TOKEN,
    LocalServers,
    environ_with_repo,
    local_servers,
)
from ci_helm.yamlio import dump_yaml

__all__ = ["EXAMPLES", "Example", "assemble", "load_example", "regenerate"]

EXAMPLES = REPO_ROOT / "examples" / "workflows"
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "ci-helm demo",
    "GIT_AUTHOR_EMAIL": "demo@example.invalid",
    "GIT_COMMITTER_NAME": "ci-helm demo",
    "GIT_COMMITTER_EMAIL": "demo@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    providers: list[str]
    charts: dict[str, str]  # destination in the repository -> chart under examples/


def load_example(name: str) -> Example:
    spec = yaml.safe_load((EXAMPLES / name / "example.yaml").read_text())
    return Example(name, EXAMPLES / name, list(spec["providers"]), dict(spec["charts"]))


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**(env or environ_with_repo(REPO_ROOT)), **_GIT_ENV},
        check=False,
    )
    if proc.returncode != 0:
        raise StageFailed(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def assemble(example: Example, dest: Path, *, pipeline_files: bool = True) -> Path:
    """A git repository at ``dest`` on branch main: the charts, then the example's own files."""
    for target, source in example.charts.items():
        shutil.copytree(REPO_ROOT / "examples" / source, dest / target)
    for item in sorted(example.path.rglob("*")):
        rel = item.relative_to(example.path)
        if item.is_dir() or rel.as_posix() == "example.yaml":
            continue
        if not pipeline_files and rel.parts[0] in (".github", ".gitlab", ".gitlab-ci.yml", "Jenkinsfile"):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(item, dest / rel)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", f"{example.name} example")
    return dest


def set_targets(repo: Path, targets: list[str], **settings: Any) -> None:
    """Point the repository's ci-helm.yaml at the demo's local servers."""
    config = yaml.safe_load((repo / "ci-helm.yaml").read_text())
    config.update({"to": targets, **settings})
    (repo / "ci-helm.yaml").write_text(dump_yaml(config))
    git(repo, "commit", "-qam", "release targets of this run")


class WorkflowRun:
    """One example's repository and the ``ci-helm`` invocations its pipeline makes."""

    def __init__(self, ctx: DemoContext, example: Example) -> None:
        self.ctx = ctx
        self.example = example
        self.repo = assemble(example, ctx.workdir / f"{example.name}-repo")

    def step(self, step: str, env: dict[str, str] | None = None) -> dict[str, Any]:
        """``ci-helm ci-step`` as the front-ends run it (inputs in the environment); its step outputs."""
        outputs = self.ctx.workdir / f"{self.example.name}-{step}-outputs"
        outputs.write_text("")
        self.step_text(step, {**(env or {}), "GITHUB_OUTPUT": str(outputs)})
        return read_outputs(outputs.read_text())

    def step_text(self, step: str, env: dict[str, str] | None = None) -> str:
        """Run ``ci-helm ci-step`` for ``step``; its standard output."""
        full = {**self.ctx.env, **(env or {}), "CI_HELM_STEP": step}
        proc = subprocess.run(
            [sys.executable, "-m", "ci_helm", "ci-step"],
            capture_output=True,
            text=True,
            env=full,
            cwd=self.repo,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise StageFailed(f"{self.example.name}: ci-step {step} exited {proc.returncode}: {last}")
        return proc.stdout

    @staticmethod
    def released(outputs: dict[str, Any]) -> list[str]:
        """``target: chart version action`` lines from the step's ``released`` output."""
        lines = []
        for target in outputs.get("released", {}).get("targets", []):
            done = ", ".join(f"{s['chart']} {s['version']} {s['action']}" for s in target["steps"])
            lines.append(f"  {_short(target['target'])}: {done}")
        return lines


def read_outputs(text: str) -> dict[str, Any]:
    """``$GITHUB_OUTPUT``: ``name=value`` lines and ``name<<DELIM`` blocks; JSON values decoded."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, eq, value = line.partition("=")
        if "<<" in line and (not eq or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delim:
                    break
                block.append(inner)
            value = "\n".join(block)
        elif not eq:
            continue
        values[name] = value
    return {name: _decoded(value) for name, value in values.items()}


def _decoded(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _short(url: str) -> str:
    return url if len(url) < 60 else url[:28] + "..." + url[-28:]


@contextmanager
def _signing_key(workdir: Path) -> Iterator[dict[str, str]]:
    """A throwaway ed25519 key (the project's signing key, as a CI secret would hold it)."""
    if shutil.which("gpg") is None:
        yield {}
        return
    home = Path(tempfile.mkdtemp(prefix="gpg-", dir=workdir))
    home.chmod(0o700)
    base = [
        "gpg",
        "--homedir",
        str(home),
        "--batch",
        "--yes",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
    ]
    uid = "ci-helm demo <demo@example.invalid>"
    try:
        subprocess.run(
            [*base, "--quick-gen-key", uid, "ed25519", "sign", "never"], check=True, capture_output=True
        )
        armored = subprocess.run(
            [*base, "--armor", "--export-secret-keys", uid], check=True, capture_output=True, text=True
        ).stdout
    except subprocess.CalledProcessError as exc:
        raise StageFailed(f"gpg could not make a throwaway signing key: {exc.stderr!s:.200}") from None
    try:
        yield {"CI_HELM_SIGN_KEY": armored}
    finally:  # gpg started an agent for this home: stop it rather than leave it running
        subprocess.run(
            ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False, capture_output=True
        )


def _header(servers: LocalServers) -> list[str]:
    lines = ["servers used: " + "; ".join(servers.used())]
    lines += [f"skipped {name}: {why}" for name, why in servers.skipped.items()]
    return lines


@stage("workflow official", "GitHub monorepo: PR lint, then on merge lint, package, sign, release")
def official(ctx: DemoContext) -> list[str]:
    example = load_example("official")
    with local_servers(ctx.workdir / "official", ctx.env, oci=True, s3=False) as servers:
        run = WorkflowRun(ctx, example)
        targets = [f"file://{ctx.workdir / 'official' / 'pages'}", servers.serve_url]
        if servers.oci_host:
            targets.append(f"oci://{servers.oci_host}/charts")
        with _signing_key(ctx.workdir) as key:
            set_targets(run.repo, targets, sign=bool(key), **{"plain-http": True, "token": UPLOAD_TOKEN})
            lines = _header(servers)
            lines += _pull_request(run, "charts/shop")
            out = run.step("pipeline", key)
            lines.append(f"merge to main: pipeline{' (signed with a throwaway key)' if key else ''}")
            lines += run.released(out)
            again = run.step("pipeline", key)
            lines.append("same commit again (a retried job): nothing re-published")
            lines += run.released(again)
            if not key:
                lines.append("skipped signing: gpg not installed")
    return lines


def _pull_request(run: WorkflowRun, chart: str) -> list[str]:
    """A branch bumping one chart: list-changed and lint see that chart only."""
    git(run.repo, "checkout", "-q", "-b", "feature")
    chart_yaml = run.repo / chart / "Chart.yaml"
    meta = yaml.safe_load(chart_yaml.read_text())
    bumped = meta["version"].rsplit(".", 1)[0] + "." + str(int(meta["version"].rsplit(".", 1)[1]) + 1)
    chart_yaml.write_text(chart_yaml.read_text().replace(f"version: {meta['version']}", f"version: {bumped}"))
    git(run.repo, "commit", "-qam", f"bump {chart}")
    changed = run.step("list-changed", {"CI_HELM_TARGET_BRANCH": "main"})
    names = [entry["chart"] for entry in changed["matrix"]["include"]]
    run.step("lint", {"CI_HELM_STEP_CHARTS": " ".join(names), "CI_HELM_TARGET_BRANCH": "main"})
    git(run.repo, "checkout", "-q", "main")
    git(run.repo, "merge", "-q", "--no-ff", "feature", "-m", "merge feature")
    return [
        f"pull request (bump {chart} to {bumped}): list-changed -> {names}; lint passed",
        "  (the install test job needs a cluster: not run by the demo)",
    ]


@stage("workflow public", "another organisation's repo: signed charts to S3-compatible storage and OCI")
def public(ctx: DemoContext) -> list[str]:
    example = load_example("public")
    with local_servers(ctx.workdir / "public", ctx.env, oci=True, s3=True, serve=False) as servers:
        run = WorkflowRun(ctx, example)
        targets = [f"file://{ctx.workdir / 'public' / 'bucket-copy'}"]
        settings: dict[str, Any] = {"plain-http": True}
        env: dict[str, str] = {}
        if servers.s3_endpoint:
            targets.append(f"s3://{servers.s3_bucket('charts')}/stable")
            settings.update({"endpoint-url": servers.s3_endpoint, "region": "us-east-1", "path-style": True})
            env.update(servers.s3_env())
        if servers.oci_host:
            targets.append(f"oci://{servers.oci_host}/public-charts")
        with _signing_key(ctx.workdir) as key:
            set_targets(run.repo, targets, sign=bool(key), **settings)
            lines = _header(servers)
            lines += _pull_request(run, "charts/guestbook")
            out = run.step("pipeline", {**env, **key})
            lines.append(f"merge to main: pipeline{' (signed with a throwaway key)' if key else ''}")
            lines += run.released(out)
    return lines


@stage("workflow private", "charts beside app code (GitLab/Jenkins): snapshots on commits, finals on tags")
def private(ctx: DemoContext) -> list[str]:
    example = load_example("private")
    with local_servers(ctx.workdir / "private", ctx.env, oci=True, s3=False, oci_auth=True) as servers:
        run = WorkflowRun(ctx, example)
        targets = [f"file://{ctx.workdir / 'private' / 'mirror'}", servers.serve_url]
        if servers.oci_host:
            targets.append(f"oci://{servers.oci_host}/internal")
        set_targets(run.repo, targets, **{"plain-http": True, "token": UPLOAD_TOKEN})
        lines = _header(servers)
        if servers.oci_host:
            lines.append(f"  (the OCI registry asks for credentials: {REGISTRY_USER} / masked variable)")
        # Masked CI/CD variables (GitLab) / credentials (Jenkins withCredentials) in real pipelines.
        secrets = {"CI_HELM_USERNAME": REGISTRY_USER, "CI_HELM_PASSWORD": REGISTRY_PASSWORD}
        # The GitLab jobs ci-helm-package and ci-helm-release (the Jenkins stages run the same).
        run.step("package", {"CI_HELM_SNAPSHOT": "true"})
        lines.append("commit on main: snapshot package + release")
        lines += run.released(run.step("release", secrets))
        git(run.repo, "tag", "v0.1.0")
        shutil.rmtree(run.repo / ".ci-helm", ignore_errors=True)  # a fresh job workspace
        run.step("package")
        lines.append("tag v0.1.0: final package + release")
        lines += run.released(run.step("release", secrets))
    return lines


@stage("workflow no-repo", "no chart repository: lint, then what deploy would do in staging and production")
def no_repo(ctx: DemoContext) -> list[str]:
    example = load_example("no-repo")
    run = WorkflowRun(ctx, example)
    lines = ["servers used: none (no chart repository in this workflow)"]
    run.step("lint", {"CI_HELM_STEP_CHARTS": "deploy/guestbook"})
    lines.append("lint deploy/guestbook: passed")
    config = yaml.safe_load((run.repo / "ci-helm.yaml").read_text())
    deploy = _has_command(ctx, "deploy")
    for env_name, spec in config["environments"].items():
        if deploy:
            lines.append(f"{env_name}: {_deploy_dry_run(run, env_name, spec)}")
        else:
            lines.append(f"{env_name}: {_rendered(ctx, run.repo, spec)}")
    lines.append(
        "deploy jobs ran with --dry-run: no cluster here (the plan is against an empty cluster)"
        if deploy
        else "skipped the deploy jobs: `ci-helm deploy` is not in this build (showed the render instead)"
    )
    return lines


def _deploy_dry_run(run: WorkflowRun, env_name: str, spec: dict[str, Any]) -> str:
    """The deploy job's step (actions/deploy: ci-step deploy) with --dry-run and no reachable cluster."""
    missing = run.ctx.workdir / "no-cluster-kubeconfig"
    out = run.step_text(
        "deploy",
        {
            "CI_HELM_STEP_CHARTS": "deploy/guestbook",
            "CI_HELM_STEP_ARGS": f"--name guestbook --env {env_name} --dry-run",
            "KUBECONFIG": str(missing),
        },
    )
    plan = [line for line in out.splitlines() if line.startswith("plan:")]
    if not plan:
        raise StageFailed(f"deploy --dry-run for {env_name} printed no plan")
    replicas = [
        line.split(":")[1].strip() for line in out.splitlines() if line.strip().startswith("+  replicas:")
    ]
    return f"namespace {spec['namespace']}, replicas {replicas}; {plan[-1]}"


def _rendered(ctx: DemoContext, repo: Path, spec: dict[str, Any]) -> str:
    chart = str(repo / "deploy" / "guestbook")
    values = [a for v in spec["values"] for a in ("-f", str(repo / v))]
    out = ctx.ci_helm("template", "--name", "guestbook", "--namespace", spec["namespace"], chart, *values)
    replicas = {
        d["metadata"]["name"]: d["spec"].get("replicas")
        for d in yaml.safe_load_all(out)
        if d and d["kind"] == "Deployment"
    }
    return f"namespace {spec['namespace']}, replicas {replicas}"


def _has_command(ctx: DemoContext, name: str) -> bool:
    try:
        ctx.ci_helm(name, "--help")
    except StageFailed:
        return False
    return True


WORKFLOW_NAMES = ("official", "public", "private", "no-repo")
# ci-helm.yaml keys an example sets for its local servers (everything else is init-ci's).
LOCAL_KEYS = ("to", "plain-http", "endpoint-url", "region", "path-style")


def generated_files(example: Example) -> dict[str, bytes]:
    """What ``ci-helm init-ci`` writes today for the example's providers, ci-helm.yaml included."""
    env = environ_with_repo(REPO_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        repo = assemble(example, Path(tmp) / "repo", pipeline_files=False)
        for provider in example.providers:
            argv = ["init-ci", "--provider", provider, "--workflow", example.name, "--force"]
            proc = subprocess.run([sys.executable, "-m", "ci_helm", *argv], cwd=repo, env=env,
                                  capture_output=True, text=True, check=False)  # fmt: skip
            if proc.returncode != 0:
                raise StageFailed(f"init-ci for {example.name} failed: {proc.stderr.strip()}")
        written = git(repo, "ls-files", "-z", "--others", "--modified", "--exclude-standard").split("\0")
        return {rel: (repo / rel).read_bytes() for rel in sorted(filter(None, written))}


def regenerate() -> list[Path]:
    """Rewrite every example's pipeline files with ``ci-helm init-ci`` (keeping its ci-helm.yaml)."""
    written: list[Path] = []
    for name in WORKFLOW_NAMES:
        example = load_example(name)
        for rel, data in generated_files(example).items():
            if rel == "ci-helm.yaml" and (example.path / rel).exists():
                continue  # the example's own: targets pointed at local servers
            (example.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (example.path / rel).write_bytes(data)
            written.append(example.path / rel)
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["--regenerate"]:
        for path in regenerate():
            print(path.relative_to(REPO_ROOT))
        sys.exit(0)
    print("usage: python -m ci_helm.demo_workflows --regenerate", file=sys.stderr)
    sys.exit(2)
