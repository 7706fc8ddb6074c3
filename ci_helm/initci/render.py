"""Turn (provider, workflow, detected facts) into the files to write. Pure: returns paths and texts."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ci_helm import __version__
from ci_helm.errors import UsageError
from ci_helm.initci.detect import Detected
from ci_helm.initci.workflows import WORKFLOWS, Workflow
from ci_helm.yamlio import dump_yaml

__all__ = ["PlannedFile", "plan_files", "templates_dir"]

GITLAB_TEMPLATE = "ci-helm.gitlab-ci.yml"
GITLAB_TEMPLATE_DEST = f".gitlab/{GITLAB_TEMPLATE}"
CONFIG_FILE = "ci-helm.yaml"
ENVIRONMENTS = ("staging", "production")


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the repository root
    text: str


def templates_dir() -> Path:
    """workflows-templates/ of a source checkout, else the copy installed under sys.prefix/share."""
    for candidate in (
        Path(__file__).resolve().parents[2] / "workflows-templates",
        Path(sys.prefix) / "share" / "ci-helm" / "workflows-templates",
    ):
        if candidate.is_dir():
            return candidate
    raise UsageError("ci-helm's workflows-templates are not installed (reinstall ci-helm)")


def _environment() -> jinja2.Environment:
    # [[ ]] and [% %] so GitHub's ${{ }} and Groovy's ${ } pass through untouched.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - YAML and Groovy, not HTML
    )


def _deploy_chart(found: Detected) -> str:
    return found.charts[0] if found.charts else "charts/CHANGE-ME"


def _context(workflow: Workflow, found: Detected, action_repo: str) -> dict[str, Any]:
    secrets = list(workflow.secrets)
    chart = _deploy_chart(found)
    return {
        # What the deploy jobs install: one chart, under a fixed release name (a new name on every
        # run would install a second copy instead of upgrading the first).
        "deploy_chart": chart,
        "deploy_release": chart.rsplit("/", 1)[-1],
        "workflow": workflow.name,
        "config_file": CONFIG_FILE,
        "default_branch": found.default_branch,
        "install_test": workflow.install_test,
        "release": workflow.release,
        "sign": workflow.sign,
        "release_on": workflow.release_on,
        "release_trigger_text": "a tag push"
        if workflow.release_on == "tag"
        else f"a merge to {found.default_branch}",
        "snapshot": workflow.snapshot,
        "deploy": workflow.deploy,
        "environments": list(ENVIRONMENTS),
        "secrets": [*secrets, "GITHUB_TOKEN"] if workflow.release else secrets,
        "credentials_list": "["
        + ", ".join(f"string(credentialsId: '{s}', variable: '{s}')" for s in secrets)
        + "]",
        "action_repo": action_repo,
        "action_owner": action_repo.split("/", 1)[0],
        "action_version": f"v{__version__.split('.')[0]}",
        "template_path": GITLAB_TEMPLATE_DEST,
        "pip_spec": f"ci-helm=={__version__}",
    }


def config_document(workflow: Workflow, found: Detected) -> dict[str, Any]:
    """The ci-helm.yaml the pipeline files read: detected values plus the workflow's targets."""
    doc: dict[str, Any] = {"chart-dirs": found.chart_dirs, "target-branch": found.default_branch}
    if workflow.release:
        doc["to"] = [t.format(owner=found.owner, repo=found.repo) for t in workflow.targets]
        doc["sign"] = workflow.sign
    if workflow.snapshot:
        doc["snapshot-version"] = "{version}-snapshot.{sha}"
    if workflow.deploy:
        # `deploy --env NAME` reads namespace, values (and kubeconfig, context) from here; the chart
        # and release name are in the pipeline files.
        chart = _deploy_chart(found)
        doc["environments"] = {
            env: {"namespace": env, "values": [f"{chart}/values-{env}.yaml"]} for env in ENVIRONMENTS
        }
    return doc


def plan_files(provider: str, workflow_name: str, found: Detected, *, action_repo: str) -> list[PlannedFile]:
    try:
        workflow = WORKFLOWS[workflow_name]
    except KeyError:
        raise UsageError(
            f"unknown workflow {workflow_name!r}: choose one of {', '.join(WORKFLOWS)}"
        ) from None
    env = _environment()
    ctx = _context(workflow, found, action_repo)
    files: list[PlannedFile] = []
    if provider == "github":
        files.append(
            PlannedFile(
                ".github/workflows/ci-helm-pr.yml", env.get_template("github/pr-checks.yml.j2").render(ctx)
            )
        )
        if workflow.release:
            files.append(
                PlannedFile(
                    ".github/workflows/ci-helm-release.yml",
                    env.get_template("github/release.yml.j2").render(ctx),
                )
            )
        if workflow.deploy:
            files.append(
                PlannedFile(
                    ".github/workflows/ci-helm-deploy.yml",
                    env.get_template("github/deploy.yml.j2").render(ctx),
                )
            )
        files.append(PlannedFile(".github/zizmor.yml", env.get_template("github/zizmor.yml.j2").render(ctx)))
    elif provider == "gitlab":
        files.append(PlannedFile(".gitlab-ci.yml", env.get_template("gitlab/gitlab-ci.yml.j2").render(ctx)))
        files.append(
            PlannedFile(GITLAB_TEMPLATE_DEST, (templates_dir() / "gitlab" / GITLAB_TEMPLATE).read_text())
        )
    elif provider == "jenkins":
        files.append(PlannedFile("Jenkinsfile", env.get_template("jenkins/Jenkinsfile.j2").render(ctx)))
    else:
        raise UsageError(f"unknown provider {provider!r}: choose github, gitlab or jenkins")
    header = f"# ci-helm settings for the {workflow.name} workflow (written by ci-helm init-ci).\n"
    files.append(PlannedFile(CONFIG_FILE, header + dump_yaml(config_document(workflow, found))))
    return files
