"""The official example's release workflow, run through the root action's steps (tests/support/gha.py):
``step: pipeline`` lints, packages, signs and releases what a merge to main brings, and a later job can
read the released versions from the action's outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ci_helm.demo_workflows import assemble, git, load_example
from tests.support.gha import run_action
from tests.support.reposerver import serve

REPO = Path(__file__).resolve().parent.parent


def _release_job_inputs(workflow: Path) -> dict[str, str]:
    """The `with:` of the release job's ci-helm step, as the generated workflow writes it."""
    job = yaml.safe_load(workflow.read_text())["jobs"]["release"]
    step = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("ci-helm/ci-helm@"))
    return {k: str(v) for k, v in step["with"].items()}


def _signing_key(home: Path) -> str:
    home.mkdir(mode=0o700)
    base = ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    uid = "official charts <charts@example.invalid>"
    subprocess.run(
        [*base, "--quick-gen-key", uid, "ed25519", "sign", "never"], check=True, capture_output=True
    )
    armored = subprocess.run(
        [*base, "--armor", "--export-secret-keys", uid], check=True, capture_output=True, text=True
    ).stdout
    subprocess.run(
        ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False, capture_output=True
    )
    return armored


@pytest.mark.slow
def test_official_release_job_publishes_signed_charts(tmp_path: Path, helm_oracle: Path) -> None:
    repo = assemble(load_example("official"), tmp_path / "workspace")
    inputs = _release_job_inputs(repo / ".github/workflows/ci-helm-release.yml")
    assert inputs == {"step": "pipeline", "target-branch": "main"}
    served = tmp_path / "served"
    with serve(served, "--upload-token", "gh-upload-token") as url:
        config = yaml.safe_load((repo / "ci-helm.yaml").read_text())
        config["to"] = [f"file://{tmp_path / 'pages'}", url]
        (repo / "ci-helm.yaml").write_text(yaml.safe_dump(config))
        git(repo, "commit", "-qam", "local targets")
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
            "PYTHONPATH": str(REPO),
            # The job's `env:` from repository secrets.
            "CI_HELM_SIGN_KEY": _signing_key(tmp_path / "gnupg"),
            "CI_HELM_TOKEN": "gh-upload-token",
        }
        run = run_action(REPO, {**inputs, "install": "false"}, workspace=repo, env=env)
    assert run.exit_code == 0, "\n".join(run.logs)
    assert "gh-upload-token" not in "\n".join(run.logs) and "PRIVATE KEY" not in "\n".join(run.logs)

    released = json.loads(run.outputs["released"])
    for target in released["targets"]:
        assert sorted((s["chart"], s["version"], s["action"]) for s in target["steps"]) == [
            ("guestbook", "0.1.0", "publish"),
            ("shop", "0.1.0", "publish"),
        ]
    packages = json.loads(run.outputs["packages"])
    assert sorted(Path(p["path"]).name for p in packages) == ["guestbook-0.1.0.tgz", "shop-0.1.0.tgz"]
    # helm itself verifies the signature against the public key.
    keyring = tmp_path / "pubring.gpg"
    subprocess.run(
        ["gpg", "--homedir", str(tmp_path / "gnupg"), "--batch", "--export", "-o", str(keyring)], check=True
    )
    verified = subprocess.run(
        [str(helm_oracle), "verify", str(tmp_path / "pages" / "shop-0.1.0.tgz"), "--keyring", str(keyring)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert sorted(yaml.safe_load((served / "index.yaml").read_text())["entries"]) == ["guestbook", "shop"]
