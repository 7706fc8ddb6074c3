"""The one subprocess seam of ci-helm: every external command (git, helm, gpg, ...) runs here.

``run`` takes an argv list (never a shell string), captures text output, and turns every
way a command can go wrong into a ``ci_helm.errors`` error with a one-line message:
missing binary (:class:`CommandNotFound`), timeout (:class:`CommandTimeout`, the whole
process group is killed so no grandchild lingers) and, with ``check=True``, a non-zero
exit (:class:`CommandError`, carrying stdout/stderr for callers that want details).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ci_helm.errors import CommandError, CommandNotFound, CommandTimeout

__all__ = ["Completed", "run"]

# How much of stderr goes into the one-line message; the full text stays on the error.
_MESSAGE_TAIL = 300


@dataclass(frozen=True)
class Completed:
    """A finished command. Output is decoded as UTF-8 (undecodable bytes replaced)."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    input: str | None = None,  # the name subprocess.run uses
    check: bool = True,
) -> Completed:
    """Run ``argv`` and wait for it.

    ``env`` is the child's complete environment (``None`` inherits ours), as in
    :func:`subprocess.run`. ``input`` is written to stdin (otherwise stdin is
    ``/dev/null``, so a command that prompts fails instead of hanging a CI job).
    """
    args = tuple(os.fspath(a) for a in argv)
    if not args:
        raise ValueError("run() needs a command")
    try:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout kills grandchildren too
        )
    except FileNotFoundError:
        raise _not_found(args, cwd) from None
    except PermissionError as exc:
        raise CommandNotFound(f"cannot execute {args[0]}: {exc.strerror}", argv=args) from None
    out, err = _communicate(proc, args, input, timeout)
    done = Completed(proc.returncode, _decode(out), _decode(err))
    if check and done.returncode != 0:
        raise _failed(args, done)
    return done


def _communicate(
    proc: subprocess.Popen[bytes], args: tuple[str, ...], input: str | None, timeout: float | None
) -> tuple[bytes, bytes]:
    data = None if input is None else input.encode("utf-8")
    try:
        return proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        raise CommandTimeout(
            f"{_show(args)} timed out after {timeout:g}s and was killed",
            argv=args,
            stdout=_decode(out),
            stderr=_decode(err),
        ) from None
    except BaseException:  # KeyboardInterrupt included: never leave the child running
        _kill_group(proc)
        proc.wait()
        raise


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _show(args: tuple[str, ...]) -> str:
    return " ".join(args[:3]) + (" ..." if len(args) > 3 else "")


def _not_found(args: tuple[str, ...], cwd: str | os.PathLike[str] | None) -> CommandNotFound:
    if cwd is not None and not Path(cwd).is_dir():
        return CommandNotFound(f"working directory does not exist: {os.fspath(cwd)}", argv=args)
    return CommandNotFound(f"{args[0]}: command not found (install it or put it on PATH)", argv=args)


def _failed(args: tuple[str, ...], done: Completed) -> CommandError:
    last = _last_line(done.stderr) or _last_line(done.stdout)
    detail = f": {last}" if last else ""
    return CommandError(
        f"{_show(args)} failed with exit code {done.returncode}{detail}",
        argv=args,
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
    )


def _last_line(text: str) -> str:
    """The last non-empty line: where tools put the reason they failed."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][-_MESSAGE_TAIL:] if lines else ""
