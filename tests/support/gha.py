"""Run a composite GitHub Action's steps here, the way a runner would (no runner exists on this machine).

What it implements is what our actions use: inputs with defaults, ``${{ inputs.x }}``,
``${{ github.action_path }}``, ``${{ steps.ID.outputs.x }}``, ``${{ env.X }}`` and
``${{ runner.temp }}`` in ``env:`` / ``with:`` / ``if:``-free ``run:`` steps, ``shell: bash``,
``GITHUB_OUTPUT`` / ``GITHUB_ENV`` / ``GITHUB_STEP_SUMMARY`` / ``GITHUB_PATH`` files (including the
``name<<EOF`` multi-line form), and the action's ``outputs:`` mapping. Anything else in an action
file is an error, so an action cannot silently use a feature this harness skips.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class ActionRun:
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]
    summary: str
    logs: list[str] = field(default_factory=list)
    exit_code: int = 0


def _read_kv_file(path: Path) -> dict[str, str]:
    """Parse GITHUB_OUTPUT / GITHUB_ENV: ``k=v`` lines and ``k<<DELIM ... DELIM`` blocks."""
    values: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            values[key] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        i += 1
    return values


class _Evaluator:
    def __init__(self, inputs: dict[str, str], action_path: Path, env: dict[str, str], temp: Path) -> None:
        self.inputs = inputs
        self.action_path = action_path
        self.env = env
        self.temp = temp
        self.steps: dict[str, dict[str, str]] = {}

    def value(self, expr: str) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs.get(parts[1], "")
        if expr == "github.action_path":
            return str(self.action_path)
        if expr == "runner.temp":
            return str(self.temp)
        if parts[0] == "env" and len(parts) == 2:
            return self.env.get(parts[1], "")
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.steps.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"expression not supported by the test harness: ${{{{ {expr} }}}}")

    def substitute(self, text: str) -> str:
        return _EXPR.sub(lambda m: self.value(m.group(1)), text)


def run_action(
    action_dir: Path,
    inputs: dict[str, str],
    *,
    workspace: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> ActionRun:
    """Run every step of the composite action in ``action_dir`` with ``inputs``, in ``workspace``."""
    action = yaml.safe_load((action_dir / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", "only composite actions are supported"
    declared: dict[str, Any] = action.get("inputs", {})
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs not declared by the action: {sorted(unknown)}"
    full_inputs = {k: str(inputs.get(k, (spec or {}).get("default", ""))) for k, spec in declared.items()}
    for k, spec in declared.items():
        if (spec or {}).get("required") and not full_inputs[k]:
            raise AssertionError(f"required input missing: {k}")

    temp = workspace.parent / f"{workspace.name}-runner-temp"
    temp.mkdir(exist_ok=True)
    files = {
        n: temp / n.lower() for n in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY", "GITHUB_PATH")
    }
    base_env = {
        **os.environ,
        **(env or {}),
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir),
    }
    ev = _Evaluator(full_inputs, action_dir, base_env, temp)
    run = ActionRun(outputs={}, step_outputs=ev.steps, summary="")
    for index, step in enumerate(action["runs"]["steps"]):
        allowed = {"name", "id", "shell", "run", "env", "working-directory"}
        extra = set(step) - allowed
        assert not extra, f"step {index} uses {sorted(extra)}, which the harness does not implement"
        assert step.get("shell") == "bash", f"step {index}: composite run steps must say shell: bash"
        # Each step gets fresh output/env/path files, as on a runner; the summary accumulates.
        for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"):
            files[name].write_text("")
        step_env = {**base_env, **{n: str(p) for n, p in files.items()}}
        step_env.update({k: ev.substitute(str(v)) for k, v in (step.get("env") or {}).items()})
        script = ev.substitute(step["run"])
        cwd = workspace / ev.substitute(step.get("working-directory", "."))
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        run.logs.append(proc.stdout + proc.stderr)
        ev.steps[step.get("id", f"step{index}")] = _read_kv_file(files["GITHUB_OUTPUT"])
        exported = _read_kv_file(files["GITHUB_ENV"])
        base_env.update(exported)
        ev.env.update(exported)
        paths = files["GITHUB_PATH"].read_text().split() if files["GITHUB_PATH"].exists() else []
        if paths:
            base_env["PATH"] = os.pathsep.join([*paths, base_env["PATH"]])
        if proc.returncode != 0:
            run.exit_code = proc.returncode
            break
    run.summary = files["GITHUB_STEP_SUMMARY"].read_text() if files["GITHUB_STEP_SUMMARY"].exists() else ""
    for name, spec in (action.get("outputs") or {}).items():
        run.outputs[name] = ev.substitute(str(spec["value"]))
    return run
