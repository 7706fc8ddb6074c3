"""`ci-helm package`: Helm's layout, reproducible bytes, overrides and refusals."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from ci_helm.errors import ExitCode

HELLO = "helm-examples/hello-world"


def make_chart(root: Path, name: str = "demo", version: str = "1.0.0", extra: str = "") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: '1.10'\n{extra}"
    )
    (chart / "values.yaml").write_text("replicas: 1\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        "data:\n  r: {{ .Values.replicas | quote }}\n"
    )
    return chart


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def members(archive: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(archive) as tar:
        return tar.getmembers()


def sha(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_prints_digest_and_layout_matches_helm(
    run_cli, corpus: Path, helm_oracle: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    chart = corpus / "charts" / "grafana" / "rollout-operator"
    result = run_cli("package", str(chart), "-d", str(tmp_path / "ours"))
    assert result.exit_code == 0, result.stderr
    ours = tmp_path / "ours" / "rollout-operator-0.51.1.tgz"
    assert result.stdout.strip() == f"{sha(ours)}  {ours}"
    subprocess.run(
        [str(helm_oracle), "package", str(chart), "-d", str(tmp_path / "helm")],
        check=True,
        capture_output=True,
    )
    theirs = tmp_path / "helm" / "rollout-operator-0.51.1.tgz"
    assert [m.name for m in members(ours)] == [m.name for m in members(theirs)]
    assert members(ours)[0].name == "rollout-operator/Chart.yaml"
    for m in members(ours):
        assert (m.mode, m.uid, m.gid, m.uname, m.gname, m.type) == (0o644, 0, 0, "", "", tarfile.REGTYPE)
    data = ours.read_bytes()
    assert data[:4] == b"\x1f\x8b\x08\x14" and data[4:8] == b"\0\0\0\0"  # gzip: no mtime, no file name


def test_reproducible_twice_and_from_another_checkout_path(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    make_chart(repo / "charts")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chart", "--date", "2024-05-01T12:00:00Z")
    clone = tmp_path / "elsewhere" / "deeper" / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    digests = set()
    for source, out in ((repo, "a"), (repo, "b"), (clone, "c")):
        result = run_cli(
            "package", str(source / "charts" / "demo"), "-d", str(tmp_path / out), "--format", "json"
        )
        assert result.exit_code == 0, result.stderr
        row = json.loads(result.stdout)[0]
        assert row["mtimeSource"] == "git"
        digests.add(row["digest"])
    assert len(digests) == 1
    committed = int(git(repo, "log", "-1", "--format=%ct"))
    assert all(m.mtime == committed for m in members(tmp_path / "a" / "demo-1.0.0.tgz"))


def test_source_date_epoch_wins(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    result = run_cli(
        "package", str(chart), "-d", str(tmp_path / "out"), env={"SOURCE_DATE_EPOCH": "1700000000"}
    )
    assert result.exit_code == 0, result.stderr
    assert {m.mtime for m in members(tmp_path / "out" / "demo-1.0.0.tgz")} == {1700000000}
    bad = run_cli("package", str(chart), "-d", str(tmp_path / "out"), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad.exit_code == ExitCode.USAGE


def test_helmignore_honoured_like_helm(run_cli, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    (chart / ".helmignore").write_text("# comment\n*.bak\nsecrets/\n/top.txt\ndocs/*.md\n")
    for name in (
        "a.bak",
        "secrets/key.txt",
        "top.txt",
        "sub/top.txt",
        "docs/x.md",
        "docs/y.txt",
        "templates/.hidden",
    ):
        (chart / name).parent.mkdir(parents=True, exist_ok=True)
        (chart / name).write_text("x")
    result = run_cli("package", str(chart), "-d", str(tmp_path / "ours"))
    assert result.exit_code == 0, result.stderr
    subprocess.run(
        [str(helm_oracle), "package", str(chart), "-d", str(tmp_path / "helm")],
        check=True,
        capture_output=True,
    )
    ours = sorted(m.name for m in members(tmp_path / "ours" / "demo-1.0.0.tgz"))
    theirs = sorted(m.name for m in members(tmp_path / "helm" / "demo-1.0.0.tgz"))
    assert ours == theirs
    assert "demo/secrets/key.txt" not in ours and "demo/templates/.hidden" not in ours
    # Helm's quirk kept: a negated rule ignores everything it does not match, Chart.yaml included.
    (chart / ".helmignore").write_text("!keep.bak\n")
    negated = run_cli("package", str(chart), "-d", str(tmp_path / "neg"))
    helm = subprocess.run(
        [str(helm_oracle), "package", str(chart), "-d", str(tmp_path / "neg")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert negated.exit_code == 1 and helm.returncode == 1
    assert "Chart.yaml file is missing" in negated.stderr and "Chart.yaml file is missing" in helm.stderr


def test_vendored_subchart_archive_is_written_as_directory(
    run_cli, tmp_path: Path, helm_oracle: Path
) -> None:  # type: ignore[no-untyped-def]
    sub = make_chart(tmp_path / "src", "child", "0.2.0")
    subprocess.run(
        [str(helm_oracle), "package", str(sub), "-d", str(tmp_path / "src")], check=True, capture_output=True
    )
    parent = make_chart(
        tmp_path,
        "parent",
        extra="dependencies:\n- name: child\n  version: ~0.2.0\n  repository: https://example.invalid\n",
    )
    (parent / "charts").mkdir()
    shutil.copy(tmp_path / "src" / "child-0.2.0.tgz", parent / "charts")
    result = run_cli("package", str(parent), "-d", str(tmp_path / "ours"))
    assert result.exit_code == 0, result.stderr
    subprocess.run(
        [str(helm_oracle), "package", str(parent), "-d", str(tmp_path / "helm")],
        check=True,
        capture_output=True,
    )
    ours = [m.name for m in members(tmp_path / "ours" / "parent-1.0.0.tgz")]
    assert ours == [m.name for m in members(tmp_path / "helm" / "parent-1.0.0.tgz")]
    assert "parent/charts/child/Chart.yaml" in ours


def test_version_overrides_rewrite_chart_yaml(run_cli, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    result = run_cli(
        "package",
        str(chart),
        "-d",
        str(tmp_path / "out"),
        "--version",
        "1.2.3-rc.4+sha.abc",
        "--app-version",
        "v9",
    )
    assert result.exit_code == 0, result.stderr
    archive = tmp_path / "out" / "demo-1.2.3-rc.4+sha.abc.tgz"
    shown = subprocess.run(
        [str(helm_oracle), "show", "chart", str(archive)], capture_output=True, text=True, check=True
    ).stdout
    assert "version: 1.2.3-rc.4+sha.abc" in shown and "appVersion: v9" in shown


@pytest.mark.parametrize("version", ["1.2", "v1.2.3.4", "1.2.3-", "01.2.3", "latest"])
def test_invalid_version_override_refused_and_nothing_written(run_cli, tmp_path: Path, version: str) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    result = run_cli("package", str(chart), "-d", str(tmp_path / "out"), "--version", version)
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "not a SemVer 2.0 version" in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_missing_dependency_suggests_dependency_update(run_cli, corpus: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("package", str(corpus / "charts" / "grafana" / "tempo-distributed"), "-d", str(tmp_path))
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "missing in charts/ directory: minio" in result.stderr
    assert "--dependency-update" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_refusals_helm_makes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad_type = make_chart(tmp_path / "a", extra="type: plugin\n")
    bad_api = make_chart(tmp_path / "b", name="demo2")
    (bad_api / "Chart.yaml").write_text("apiVersion: v3\nname: demo2\nversion: 1.0.0\n")
    bad_values = make_chart(tmp_path / "c", name="demo3")
    (bad_values / "values.yaml").write_text("a: [\n")
    result = run_cli(
        "package",
        str(bad_type),
        str(bad_api),
        str(bad_values),
        str(tmp_path / "nochart"),
        "-d",
        str(tmp_path / "out"),
    )
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "type must be application or library" in result.stderr
    assert "invalid chart apiVersion" in result.stderr
    assert "values.yaml" in result.stderr
    assert "Chart.yaml is missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_library_chart_packages(run_cli, corpus: Path, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("package", str(corpus / "charts" / "bjw-s" / "common"), "-d", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    shown = subprocess.run(
        [str(helm_oracle), "show", "chart", str(tmp_path / "common-4.0.1.tgz")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "type: library" in shown.stdout


def test_check_version_bump(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    out = tmp_path / "out"
    assert run_cli("package", str(chart), "-d", str(out), "--check-version-bump").exit_code == 0
    assert (
        run_cli("package", str(chart), "-d", str(out), "--check-version-bump").exit_code == 0
    )  # same bytes: fine
    before = (out / "demo-1.0.0.tgz").read_bytes()
    (chart / "values.yaml").write_text("replicas: 2\n")
    result = run_cli("package", str(chart), "-d", str(out), "--check-version-bump")
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "bump the chart version" in result.stderr
    assert (out / "demo-1.0.0.tgz").read_bytes() == before


def test_json_output_and_per_chart_errors(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = make_chart(tmp_path)
    result = run_cli(
        "package", str(good), str(tmp_path / "missing"), "-d", str(tmp_path / "out"), "--format", "json"
    )
    rows = json.loads(result.stdout)
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert rows[0]["digest"].startswith("sha256:") and "error" in rows[1]


def test_archive_helm_renders_like_the_directory(run_cli, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    assert run_cli("package", str(chart), "-d", str(tmp_path / "out")).exit_code == 0

    def render(target: Path) -> str:
        return subprocess.run(
            [str(helm_oracle), "template", "rel", str(target)], capture_output=True, text=True, check=True
        ).stdout

    assert render(tmp_path / "out" / "demo-1.0.0.tgz") == render(chart)


def test_gzip_stream_is_valid(tmp_path: Path) -> None:
    import gzip

    from ci_helm.package.archive import Member, build_archive

    data = build_archive([Member("x/Chart.yaml", b"name: x\n")], mtime=0)
    raw = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        assert tar.getnames() == ["x/Chart.yaml"]


def test_chart_yaml_scalars_read_as_helm_reads_them(run_cli, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: demo\nversion: 1.0\nappVersion: 1.10\nicon: ~\nhome:\n"
    )
    ours = run_cli("package", str(chart), "-d", str(tmp_path / "ours"))
    assert ours.exit_code == 0, ours.stderr
    subprocess.run(
        [str(helm_oracle), "package", str(chart), "-d", str(tmp_path / "helm")],
        check=True,
        capture_output=True,
    )
    assert (
        [p.name for p in (tmp_path / "ours").iterdir()]
        == [p.name for p in (tmp_path / "helm").iterdir()]
        == ["demo-1.tgz"]
    )

    def chart_yaml(archive: Path) -> dict:  # type: ignore[type-arg]
        with tarfile.open(archive) as tar:
            return yaml.safe_load(tar.extractfile("demo/Chart.yaml").read())  # type: ignore[union-attr]

    assert chart_yaml(tmp_path / "ours" / "demo-1.tgz") == chart_yaml(tmp_path / "helm" / "demo-1.tgz")


def test_check_version_bump_against_published_index(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    published = tmp_path / "published"
    assert run_cli("package", str(chart), "-d", str(published)).exit_code == 0
    assert run_cli("repo", "index", str(published)).exit_code == 0
    (chart / "values.yaml").write_text("replicas: 3\n")
    args = ("package", str(chart), "-d", str(tmp_path / "fresh"), "--check-version-bump")
    refused = run_cli(*args, "--index", str(published / "index.yaml"))
    assert refused.exit_code == ExitCode.CHECKS_FAILED and "bump the chart version" in refused.stderr
    assert not (tmp_path / "fresh" / "demo-1.0.0.tgz").exists()
    assert run_cli(*args, "--index", str(published / "index.yaml"), "--version", "1.0.1").exit_code == 0


def test_sign_without_key_writes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    result = run_cli("package", str(chart), "-d", str(tmp_path / "out"), "--sign")
    assert result.exit_code == ExitCode.USAGE and "signing needs a key" in result.stderr
    assert not (tmp_path / "out").exists()


def test_packages_the_changed_charts_by_default(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    make_chart(repo / "charts", "alpha")
    make_chart(repo / "charts", "beta")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "charts" / "beta" / "Chart.yaml").write_text("apiVersion: v2\nname: beta\nversion: 1.1.0\n")
    git(repo, "commit", "-q", "-am", "bump beta")
    result = run_cli("package", "-d", "out", "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert [r["name"] + "-" + r["version"] for r in json.loads(result.stdout)] == ["beta-1.1.0"]
    every = run_cli("package", "--all", "-d", "all", "--format", "json", cwd=repo)
    assert sorted(r["name"] for r in json.loads(every.stdout)) == ["alpha", "beta"]


def test_no_chart_outside_git_says_how_to_pick(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("package", "-d", "out", cwd=tmp_path)
    assert result.exit_code != 0
    assert "--all" in result.stderr and "Traceback" not in result.stderr


def test_file_times_modes_and_owners_do_not_change_the_digest(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = run_cli("package", str(chart), "-d", str(tmp_path / "a"), "--format", "json", env=env)
    for path in chart.rglob("*"):
        os.utime(path, (1, 1))
        path.chmod(0o755 if path.is_dir() else 0o700)
    second = run_cli("package", str(chart), "-d", str(tmp_path / "b"), "--format", "json", env=env)
    assert json.loads(first.stdout)[0]["digest"] == json.loads(second.stdout)[0]["digest"]


def test_symlink_loop_is_a_clear_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = make_chart(tmp_path)
    (chart / "files").mkdir()
    (chart / "files" / "loop").symlink_to(chart / "files")
    result = run_cli("package", str(chart), "-d", str(tmp_path / "out"))
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "symbolic link loop at files/loop" in result.stderr
