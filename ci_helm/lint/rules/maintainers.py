"""Chart.yaml maintainers are well formed; optionally, each name is an account on the git host.

Each maintainer needs a ``name``; ``email`` must look like an address and ``url`` must be
an absolute http(s) URL; other keys are typos. With ``validate-maintainers`` (chart-testing's
option of the same name, off by default here because it needs the network) each name is
looked up as ``https://<git host>/<name>``: a 404 is an error; rate limits (403/429) and
network failures are warnings, never a failed run. Each name is looked up once per run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.model import Finding, HttpGetter, LintServices, RuleContext, Scope
from ci_helm.lint.yamlpos import KeyLines
from ci_helm.model.results import Level

ID = "maintainers"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "chart"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    required: bool = False  # a chart must list at least one maintainer


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    data = ctx.chart.metadata
    lines = KeyLines(ctx.chart.chart_yaml.text)
    maintainers = data.get("maintainers")
    if maintainers is None:
        if options.required and data:
            yield Finding("no maintainers: add `maintainers: [{name: ..., email: ...}]`", "Chart.yaml", 1)
        return
    if not isinstance(maintainers, list):
        yield Finding(
            "maintainers must be a list of {name, email, url}", "Chart.yaml", lines.line(["maintainers"])
        )
        return
    for i, m in enumerate(maintainers):
        line = lines.line(["maintainers", i])
        if not isinstance(m, Mapping):
            yield Finding(f"maintainers[{i}] must be a mapping with name, email, url", "Chart.yaml", line)
            continue
        yield from _well_formed(i, m, functools.partial(_key_line, lines, i))
        name = m.get("name")
        if ctx.services.http_get is not None and isinstance(name, str) and name:
            yield from _online(name, i, line, ctx.services)


def _key_line(lines: KeyLines, index: int, key: str) -> int | None:
    return lines.line(["maintainers", index, key])


def _well_formed(i: int, m: Mapping[str, Any], line_of: Callable[[str], int | None]) -> Iterator[Finding]:
    if not isinstance(m.get("name"), str) or not m.get("name"):
        yield Finding(f"maintainers[{i}] has no name", "Chart.yaml", line_of("name"))
    email = m.get("email")
    if email is not None and not (isinstance(email, str) and _EMAIL.match(email)):
        yield Finding(
            f"maintainers[{i}].email {email!r} is not an email address", "Chart.yaml", line_of("email")
        )
    url = m.get("url")
    if url is not None and not (isinstance(url, str) and _URL.match(url)):
        yield Finding(f"maintainers[{i}].url {url!r} is not an http(s) URL", "Chart.yaml", line_of("url"))
    for key in m:
        if key not in ("name", "email", "url"):
            yield Finding(
                f"maintainers[{i}] has unknown key {key!r} (name, email, url)",
                "Chart.yaml",
                line_of(str(key)),
                level=Level.WARNING,
            )


def _online(name: str, i: int, line: int | None, services: LintServices) -> Iterator[Finding]:
    host = services.git_host
    url = f"https://{host}/{name}"
    with services.memo_lock:
        status = services.memo.get(url)
    if status is None:
        status = _lookup(url, services.http_get)
        with services.memo_lock:
            services.memo[url] = status
    if status == 404:
        yield Finding(
            f"maintainers[{i}] {name!r} is not an account on {host} ({url} is 404)", "Chart.yaml", line
        )
    elif status in (403, 429):
        yield Finding(
            f"maintainers[{i}] {name!r} not verified: {host} rate-limited the check (HTTP {status})",
            "Chart.yaml",
            line,
            level=Level.WARNING,
        )
    elif status != 200:
        yield Finding(
            f"maintainers[{i}] {name!r} not verified: {url} answered {status}",
            "Chart.yaml",
            line,
            level=Level.WARNING,
        )


def _lookup(url: str, http_get: HttpGetter | None) -> int | str:
    assert http_get is not None
    try:
        return http_get(url)
    except Exception as exc:  # any network failure: say so, do not fail the run
        return f"{type(exc).__name__}: {exc}"
