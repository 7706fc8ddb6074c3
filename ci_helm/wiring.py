"""The composition root: the one place that builds real adapters from resolved settings.

Commands ask here for what they need (``engine_from_settings(ctx.settings)``) and pass
the result into the pure core; tests pass fakes instead. Helpers add their factories
below (additively), one function per adapter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ci_helm.engine.base import Engine
from ci_helm.engine.helm_home import HelmHome

if TYPE_CHECKING:
    from ci_helm.adapters.git import GitCli
    from ci_helm.adapters.gpg import GnupgKeyring, KeySource
    from ci_helm.publish.indexed import Hooks
    from ci_helm.publish.protocols import Publisher
    from ci_helm.publish.targets import TargetOptions

__all__ = [
    "chart_fetcher",
    "engine_from_settings",
    "git_repo",
    "helm_home_from_settings",
    "key_source",
    "kube_client",
    "publisher",
    "release_engine",
    "signing_keyring",
    "target_options",
    "verifying_keyring",
]


class _SettingsLike(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


def helm_home_from_settings(settings: _SettingsLike, environ: Mapping[str, str] | None = None) -> HelmHome:
    return HelmHome.resolve(settings.get("helm-home"), os.environ if environ is None else environ)


def engine_from_settings(
    settings: _SettingsLike, *, trusted: bool = False, environ: Mapping[str, str] | None = None
) -> Engine:
    """The configured Helm engine.

    ``helm-python`` renders in killable worker processes unless ``--no-isolate`` (or
    ``trusted=True``, for charts ci-helm itself wrote): charts from a pull request are
    untrusted code. ``helm-cli`` runs ``--helm-binary`` (subprocesses are killable anyway).
    """
    home = helm_home_from_settings(settings, environ)
    timeout = float(settings.get("timeout", 120.0) or 120.0)
    if settings.get("engine", "helm-python") == "helm-cli":
        from ci_helm.engine.helm_cli import HelmCliEngine

        return HelmCliEngine(str(settings.get("helm-binary") or "helm"), home, timeout=timeout)
    if trusted or not settings.get("isolate", True):
        from ci_helm.engine.helm_python_engine import HelmPythonEngine

        return HelmPythonEngine(home)
    from ci_helm.engine.isolated import shared_isolated_engine

    workers = settings.get("render-workers")
    return shared_isolated_engine(home, timeout=timeout, workers=int(workers) if workers else None)


def git_repo(cwd: Path, environ: Mapping[str, str] | None = None) -> GitCli:
    """The git repository around ``cwd`` (change detection, version history)."""
    from ci_helm.adapters.git import GitCli

    return GitCli.discover(cwd, env=environ)


def lint_scenario_runner(settings: _SettingsLike, environ: Mapping[str, str] | None = None) -> Any:
    """The lint command's scenario runner: the configured engine, fanned out over its workers."""
    from ci_helm.engine.isolated import default_workers
    from ci_helm.lint.engine_port import ScenarioRunner
    from ci_helm.lint.jinja_render import render_jinja_dir

    engine = engine_from_settings(settings, environ=environ)
    workers = int(settings.get("render-workers") or default_workers())
    api_versions = tuple(settings.get("api-versions") or ())
    return ScenarioRunner(engine, workers=workers, jinja=render_jinja_dir, api_versions=api_versions)


def offload_pool(workers: int) -> Any:
    """A ``spawn`` process pool for pure CPU-heavy lint work (yamllint), off the main GIL."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"))


# --- package / sign / verify (helper "package") ---------------------------------------------


def key_source(settings: _SettingsLike) -> KeySource:
    """Where the signing key and its passphrase come from (env, file or an existing GNUPGHOME)."""
    from ci_helm.adapters.gpg import KeySource
    from ci_helm.errors import ConfigError

    passphrase = settings.get("sign-passphrase")
    passphrase_file = settings.get("sign-passphrase-file")
    if passphrase is None and passphrase_file:
        passphrase = _first_line(Path(passphrase_file))
    key_file = settings.get("sign-key-file")
    home = settings.get("sign-gnupghome")
    source = KeySource(
        armored_key=settings.get("sign-key") or None,
        key_file=Path(key_file) if key_file else None,
        gnupghome=Path(home) if home else None,
        passphrase=passphrase,
        key_id=settings.get("sign-key-id") or None,
    )
    if not (source.armored_key or source.key_file or source.gnupghome):
        raise ConfigError(
            "signing needs a key: set CI_HELM_SIGN_KEY (armored key), --sign-key-file or --sign-gnupghome"
        )
    return source


def signing_keyring(settings: _SettingsLike) -> GnupgKeyring:
    """A GnuPG session holding the signing key (a throwaway GNUPGHOME unless --sign-gnupghome)."""
    from ci_helm.adapters.gpg import GnupgKeyring

    return GnupgKeyring.for_signing(key_source(settings))


def verifying_keyring(settings: _SettingsLike, environ: Mapping[str, str]) -> GnupgKeyring:
    """The keyring named by --keyring, else GNUPGHOME (as helm verify uses ~/.gnupg)."""
    from ci_helm.adapters.gpg import GnupgKeyring

    keyring = settings.get("keyring")
    if keyring:
        return GnupgKeyring.for_verifying(Path(keyring), None)
    home = settings.get("verify-gnupghome") or environ.get("GNUPGHOME")
    path = Path(home) if home else Path(environ.get("HOME", "~")).expanduser() / ".gnupg"
    if not path.is_dir():
        from ci_helm.errors import ConfigError

        raise ConfigError(f"no keyring to verify with: {path} does not exist (pass --keyring FILE)")
    return GnupgKeyring.for_verifying(None, path)


def _first_line(path: Path) -> str:
    from ci_helm.errors import ConfigError

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read passphrase file: {exc.strerror or exc}", path=path) from None
    return lines[0] if lines else ""


# --- release / repo serve|reindex|prune (helper "release") -----------------------------------


def publisher(url: str, settings: _SettingsLike, hooks: Hooks | None = None) -> Publisher:
    """The publisher for one target URL (``file://``, ``s3://``, ``oci://``...), adapters built lazily."""
    from ci_helm.publish.targets import build_publisher

    return build_publisher(url, target_options(settings), hooks)


def target_options(settings: _SettingsLike) -> TargetOptions:
    """Target settings (credentials included) as the adapters read them."""
    from ci_helm.publish.targets import TargetOptions

    get = settings.get
    return TargetOptions(
        base_url=get("url"),
        endpoint_url=get("endpoint-url"),
        region=get("region"),
        path_style=bool(get("path-style")),
        aws_access_key_id=get("aws-access-key-id"),
        aws_secret_access_key=get("aws-secret-access-key"),
        aws_session_token=get("aws-session-token"),
        gcs_token=get("gcs-token"),
        gcs_endpoint=get("gcs-endpoint") or "https://storage.googleapis.com",
        username=get("username"),
        password=get("password"),
        token=get("token"),
        plain_http=bool(get("plain-http")),
        github_token=get("github-token"),
        api_url=get("api-url") or "https://api.github.com",
        release_name_template=get("release-name-template") or "{name}-{version}",
        pages_branch=get("pages-branch") or "gh-pages",
        pages_remote=get("pages-remote"),
        commitish=get("commitish"),
        timeout=float(get("request-timeout") or 60.0),
    )


def release_engine(settings: _SettingsLike, target: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Release operations (install/upgrade/...) on ``target`` (a ``ClusterTarget``).

    ``--engine helm-cli`` runs the helm binary; otherwise the embedded SDK (in process:
    release operations are not untrusted template code, they are what the user asked for).
    """
    home = helm_home_from_settings(settings, environ)
    if settings.get("engine", "helm-python") == "helm-cli":
        from ci_helm.engine.helm_cli_releases import HelmCliReleases

        return HelmCliReleases(target, home, str(settings.get("helm-binary") or "helm"))
    from ci_helm.engine.helm_python_releases import HelmPythonReleases

    return HelmPythonReleases(target, home)


def chart_fetcher(settings: _SettingsLike, environ: Mapping[str, str] | None = None) -> Any:
    """Downloads remote charts (oci://, https://, --repo) for deploy."""
    from ci_helm.engine.chart_fetch import HelmPythonChartFetcher

    return HelmPythonChartFetcher(
        helm_home_from_settings(settings, environ), plain_http=bool(settings.get("plain-http"))
    )


def kube_client(target: Any) -> Any:
    """The Kubernetes API client for readiness, events and logs (``ci_helm.adapters.kube``)."""
    from ci_helm.adapters.kube import KubeClient

    return KubeClient(target)
