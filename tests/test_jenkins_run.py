"""The Jenkins front-end without a Jenkins: the rendered Jenkinsfile's ``ciHelm(...)`` calls, run through
the very shell script of ``vars/ciHelm.groovy`` with the environment its Groovy code sets.

What Jenkins itself does (stage conditions, withCredentials, junit publishing) is read from the
Jenkinsfile; what reaches ci-helm is exercised for real on the private example repository.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ci_helm.demo_workflows import assemble, git, load_example

REPO = Path(__file__).resolve().parent.parent
GROOVY = REPO / "workflows-templates" / "jenkins" / "vars" / "ciHelm.groovy"
_STAGE = re.compile(r"stage\('(?P<name>[^']+)'\)\s*\{(?P<body>.*?)\n        \}", re.S)
_CALL = re.compile(r"ciHelm\((?P<params>[^)]*)\)")
_PARAM = re.compile(r"(\w+):\s*('(?:[^'\\]|\\.)*'|\[[^\]]*\])")
_TERNARY = re.compile(r"\"\$\{env\.TAG_NAME \? '(\w*)' : '(\w*)'\}\"")
_ELVIS = re.compile(r"\"\$\{env\.(\w+) \?: '([^']*)'\}\"")


@dataclass
class Call:
    stage: str
    on: str  # "change" (pull requests) or "release" (tags and the default branch)
    step: str
    args: list[str]
    junit: str
    environment: dict[str, str]


def _groovy_string(text: str) -> str:
    assert text.startswith("'") and text.endswith("'") and "\\" not in text, text
    return text[1:-1]


def _environment(block: str, *, tag: bool, jenkins_env: dict[str, str]) -> dict[str, str]:
    """``KEY = "..."`` / ``KEY = '...'`` lines, with the two Groovy expressions the template uses."""
    environment = {}
    for key, value in re.findall(r"^\s*(\w+) = (\"[^\n]*\"|'[^\n]*')$", block, re.M):
        ternary, elvis = _TERNARY.fullmatch(value), _ELVIS.fullmatch(value)
        if ternary:
            environment[key] = ternary[1] if tag else ternary[2]
        elif elvis:
            environment[key] = jenkins_env.get(elvis[1]) or elvis[2]
        else:
            assert "$" not in value, f"unsupported Groovy expression in {key} = {value}"
            environment[key] = value[1:-1]
    return environment


def pipeline_environment(text: str, jenkins_env: dict[str, str]) -> dict[str, str]:
    block = text.split("    environment {", 1)[1].split("\n    }", 1)[0]
    return _environment(block, tag=False, jenkins_env=jenkins_env)


def parse_jenkinsfile(text: str, *, tag: bool) -> list[Call]:
    calls = []
    for stage in _STAGE.finditer(text):
        body = stage["body"]
        on = "change" if "changeRequest()" in body else "release"
        environment = _environment(body, tag=tag, jenkins_env={})
        for call in _CALL.finditer(body):
            params = dict(_PARAM.findall(call["params"]))
            args = re.findall(r"'(?:[^'\\]|\\.)*'", params.get("args", "[]"))
            calls.append(
                Call(
                    stage["name"],
                    on,
                    _groovy_string(params["step"]),
                    [_groovy_string(a) for a in args],
                    _groovy_string(params["junit"]) if "junit" in params else "",
                    environment,
                )
            )
    return calls


def step_script() -> str:
    """The bash script ciHelm.groovy hands to `sh` (a ''' string: Groovy interpolates nothing in it)."""
    text = GROOVY.read_text()
    script = text.split("script: '''", 1)[1].split("'''", 1)[0]
    assert "\\" not in script  # no escapes, so the text here is byte for byte what `sh` runs
    return script


def groovy_env(call: Call) -> dict[str, str]:
    """The withEnv list ciHelm.groovy builds for this call."""
    env = {"JENKINS_CI_HELM_STEP": call.step, "JENKINS_CI_HELM_ARG_COUNT": str(len(call.args))}
    env.update({f"JENKINS_CI_HELM_ARG_{i}": arg for i, arg in enumerate(call.args)})
    if call.junit:
        env["JENKINS_CI_HELM_JUNIT"] = call.junit
    return env


def run_call(
    call: Call, cwd: Path, env: dict[str, str], pipeline: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**env, **(pipeline or {}), **call.environment, **groovy_env(call)}
    return subprocess.run(
        ["bash", "-c", step_script()],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    return path


def _ci_helm_on_path(bin_dir: Path, body: str) -> dict[str, str]:
    wrapper = bin_dir / "ci-helm"
    wrapper.write_text(body)
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}


def test_jenkinsfile_calls_are_parsed() -> None:
    text = (REPO / "examples/workflows/private/Jenkinsfile").read_text()
    calls = parse_jenkinsfile(text, tag=False)
    assert [(c.stage, c.step, c.args) for c in calls] == [
        ("Lint", "lint", ["--changed"]),
        ("Test", "test", ["--changed", "--artifacts", "ci-helm-artifacts"]),
        ("Package", "ci-step", ["--step", "package"]),
        ("Release", "ci-step", ["--step", "release"]),
    ]
    assert calls[2].environment == {"CI_HELM_SNAPSHOT": "true"}
    assert parse_jenkinsfile(text, tag=True)[2].environment == {"CI_HELM_SNAPSHOT": "false"}
    assert (
        pipeline_environment(text, {"CHANGE_TARGET": "release-1.x"})["CI_HELM_TARGET_BRANCH"] == "release-1.x"
    )
    assert pipeline_environment(text, {})["CI_HELM_TARGET_BRANCH"] == "main"


def test_every_argument_arrives_intact_and_nothing_is_executed(tmp_path: Path, bin_dir: Path) -> None:
    record = tmp_path / "argv.json"
    env = _ci_helm_on_path(
        bin_dir,
        f'#!{sys.executable}\nimport json, sys\nopen("{record}", "w").write(json.dumps(sys.argv[1:]))\n',
    )
    hostile = [
        "--changed",
        "$(touch pwned)",
        "`touch pwned`",
        "a b",
        "x'y\"z",
        "line1\nline2",
        "; touch pwned",
        "",
    ]
    call = Call("Lint", "change", "lint", hostile, "report's.xml", {})
    done = run_call(call, tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert json.loads(record.read_text()) == ["lint", *hostile, "--report", "junit=report's.xml"]
    assert not list(tmp_path.glob("pwned*"))
    run_call(Call("Lint", "change", "lint", [], "", {}), tmp_path, env)
    assert json.loads(record.read_text()) == ["lint"]  # no arguments: none invented


def test_private_jenkinsfile_runs_on_the_example(tmp_path: Path, bin_dir: Path) -> None:
    repo = assemble(load_example("private"), tmp_path / "repo")
    config = yaml.safe_load((repo / "ci-helm.yaml").read_text())
    config["to"] = [f"file://{tmp_path / 'pub'}"]
    (repo / "ci-helm.yaml").write_text(yaml.safe_dump(config))
    git(repo, "commit", "-qam", "local target")
    env = _ci_helm_on_path(bin_dir, f'#!/bin/bash\nexec "{sys.executable}" -m ci_helm "$@"\n')
    jenkinsfile = (repo / "Jenkinsfile").read_text()

    # A change request: the Lint stage (Test needs a cluster, which this machine does not have).
    git(repo, "checkout", "-q", "-b", "feature")
    chart_yaml = repo / "app/chart/shop/Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    git(repo, "commit", "-qam", "bump")
    lint = next(c for c in parse_jenkinsfile(jenkinsfile, tag=False) if c.stage == "Lint")
    pipeline = pipeline_environment(jenkinsfile, {"CHANGE_TARGET": "main"})
    assert pipeline == {"CI_HELM_TARGET_BRANCH": "main", "CI_HELM_FETCH": "true"}
    done = run_call(lint, repo, env, pipeline)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'testsuite name="app/chart/shop"' in (repo / "ci-helm-lint.xml").read_text()

    # The default branch (snapshots), then a tag (finals): Package and Release, in order.
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "feature")
    for tag in (False, True):
        if tag:
            git(repo, "tag", "v0.2.0")
        for call in (c for c in parse_jenkinsfile(jenkinsfile, tag=tag) if c.on == "release"):
            done = run_call(call, repo, env, pipeline_environment(jenkinsfile, {}))
            assert done.returncode == 0, f"{call.stage}: {done.stdout}{done.stderr}"
    head = git(repo, "rev-parse", "HEAD").strip()[:8]
    entries = yaml.safe_load((tmp_path / "pub" / "index.yaml").read_text())["entries"]
    assert sorted(v["version"] for v in entries["shop"]) == ["0.2.0", f"0.2.0-snapshot.{head}"]
