"""What ``release`` publishes: packages as given, or chart directories packaged (and signed) first.

Chart directories go through ``ci_helm.package`` (helper "package"): reproducible bytes,
so packaging the same commit twice gives the same digest and a rerun is a skip, not a
conflict.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ci_helm.adapters.git import last_commit_time
from ci_helm.cli.context import Context
from ci_helm.errors import UsageError
from ci_helm.package.packager import PackageOptions, package_chart
from ci_helm.publish.artifact import Artifact, load_artifact

__all__ = ["load_inputs"]


def load_inputs(paths: list[Path], ctx: Context, *, sign: bool) -> list[Artifact]:
    """Each chart version once; two different packages claiming one name and version is an error."""
    seen: dict[tuple[str, str], Artifact] = {}
    with tempfile.TemporaryDirectory(prefix="ci-helm-release-") as tmp:
        for path in paths:
            artifact = _package(path, Path(tmp), ctx, sign) if path.is_dir() else _given(path, sign)
            other = seen.get(artifact.key)
            if other is not None and other.digest != artifact.digest:
                raise UsageError(f"{path}: {artifact.name} {artifact.version} also given as {other.source}")
            seen[artifact.key] = artifact
    return list(seen.values())


def _given(path: Path, sign: bool) -> Artifact:
    if sign:
        raise UsageError(f"{path}: --sign applies to chart directories; sign packages with `ci-helm sign`")
    return load_artifact(path)


def _package(chart_dir: Path, dest: Path, ctx: Context, sign: bool) -> Artifact:
    from ci_helm.cli.commands.package import source_date_epoch

    options = PackageOptions(destination=dest, source_date_epoch=source_date_epoch(ctx))
    result = package_chart(chart_dir, options, commit_time=last_commit_time)
    if sign:
        from ci_helm.provenance import sign_package
        from ci_helm.wiring import signing_keyring

        with signing_keyring(ctx.settings) as keyring:
            sign_package(result.path, keyring)
    artifact = load_artifact(result.path)
    ctx.out.info(f"packaged {chart_dir} as {result.path.name}{' (signed)' if sign else ''}")
    return artifact
