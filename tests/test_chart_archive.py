"""Hostile chart archives: each is crafted with tarfile and must be refused with one clear line."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ci_helm.chart.archive import Limits, extract_archive, read_archive
from ci_helm.chart.loader import load_chart
from ci_helm.errors import ArchiveError

CHART_YAML = b"apiVersion: v2\nname: demo\nversion: 0.1.0\n"
Member = tuple[str, bytes] | Callable[[], tarfile.TarInfo]


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _good(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "demo-0.1.0.tgz",
        [
            _file("demo/Chart.yaml", CHART_YAML),
            _file("demo/values.yaml", b"\xef\xbb\xbfreplicas: 2\n"),
            _file("demo/templates/cm.yaml", b"kind: ConfigMap\n"),
        ],
    )


def _link(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def _special(name: str, kind: bytes) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    return info, None


def test_a_good_archive_loads_and_extracts(tmp_path: Path) -> None:
    archive = _good(tmp_path)
    chart = load_chart(archive)
    assert (chart.name, chart.version, chart.values) == ("demo", "0.1.0", {"replicas": 2})
    assert [t.name for t in chart.templates] == ["templates/cm.yaml"]
    out = extract_archive(archive, tmp_path / "out")
    assert out == tmp_path / "out" / "demo"
    assert (out / "Chart.yaml").read_bytes() == CHART_YAML
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["demo"]


HOSTILE: dict[str, tuple[list[tuple[tarfile.TarInfo, bytes | None]], str]] = {
    "parent": ([_file("demo/Chart.yaml", CHART_YAML), _file("demo/../../evil", b"x")], "parent directory"),
    "absolute": ([_file("/etc/evil", b"x")], "absolute path"),
    "absolute-inner": (
        [_file("demo/Chart.yaml", CHART_YAML), _file("demo//etc/evil", b"x")],
        "absolute path",
    ),
    "drive": ([_file("c:/evil", b"x")], "absolute path"),
    "symlink": (
        [
            _file("demo/Chart.yaml", CHART_YAML),
            _link("demo/templates/x.yaml", "/etc/passwd", tarfile.SYMTYPE),
        ],
        "is a link",
    ),
    "hardlink": (
        [_file("demo/Chart.yaml", CHART_YAML), _link("demo/values.yaml", "/etc/shadow", tarfile.LNKTYPE)],
        "is a link",
    ),
    "device": (
        [_file("demo/Chart.yaml", CHART_YAML), _special("demo/dev", tarfile.CHRTYPE)],
        "not a regular file",
    ),
    "fifo": (
        [_file("demo/Chart.yaml", CHART_YAML), _special("demo/fifo", tarfile.FIFOTYPE)],
        "not a regular file",
    ),
    "two-tops": (
        [_file("demo/Chart.yaml", CHART_YAML), _file("other/Chart.yaml", CHART_YAML)],
        "outside the chart",
    ),
    "top-level-chart-yaml": ([_file("Chart.yaml", CHART_YAML)], "top-level directory"),
    "duplicate": ([_file("demo/Chart.yaml", CHART_YAML), _file("demo/Chart.yaml", b"name: evil\n")], "twice"),
    "empty": ([], "no files"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archives_are_refused_without_writing(tmp_path: Path, case: str) -> None:
    members, message = HOSTILE[case]
    archive = _write(tmp_path / f"{case}.tgz", members)
    dest = tmp_path / "dest"
    with pytest.raises(ArchiveError) as caught:
        extract_archive(archive, dest)
    assert message in str(caught.value)
    assert str(archive) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not dest.exists() or list(dest.iterdir()) == []
    assert not (tmp_path / "evil").exists()
    with pytest.raises(ArchiveError):
        load_chart(archive)


def test_member_over_the_file_limit_is_refused(tmp_path: Path) -> None:
    archive = _write(
        tmp_path / "big.tgz", [_file("demo/Chart.yaml", CHART_YAML), _file("demo/big", b"\0" * 5000)]
    )
    with pytest.raises(ArchiveError, match="over the 4096-byte limit"):
        read_archive(archive, limits=Limits(file_bytes=4096))


def test_decompression_bomb_stops_at_the_total_limit(tmp_path: Path) -> None:
    """Highly compressible members: the archive is small, the expansion is refused early."""
    members = [_file("demo/Chart.yaml", CHART_YAML)]
    members += [_file(f"demo/zeros{i}", b"\0" * 4000) for i in range(10)]
    archive = _write(tmp_path / "bomb.tgz", members)
    assert archive.stat().st_size < 2000
    with pytest.raises(ArchiveError, match="expands past the 20000-byte limit"):
        read_archive(archive, limits=Limits(chart_bytes=20000))


def test_too_many_members_is_refused(tmp_path: Path) -> None:
    members = [_file("demo/Chart.yaml", CHART_YAML)] + [_file(f"demo/f{i}", b"") for i in range(30)]
    archive = _write(tmp_path / "many.tgz", members)
    with pytest.raises(ArchiveError, match="more than 20 members"):
        read_archive(archive, limits=Limits(members=20))


def test_real_bomb_with_huge_declared_size_is_refused_before_reading(tmp_path: Path) -> None:
    """A 20 MiB member of zeros compresses to ~20 KB; it must be refused from its header."""
    path = tmp_path / "zeros.tgz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("demo/Chart.yaml")
        info.size = len(CHART_YAML)
        tar.addfile(info, io.BytesIO(CHART_YAML))
        info = tarfile.TarInfo("demo/zeros")
        info.size = 20 * 1024 * 1024
        tar.addfile(info, _Zeros(info.size))
    with pytest.raises(ArchiveError, match="over the 5242880-byte limit"):
        read_archive(path)


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = b"\0" * n
        self.left -= n
        return n

    def readable(self) -> bool:
        return True


@pytest.mark.parametrize("data", [b"", b"not gzip at all", b"\x1f\x8b\x08\x00garbage"])
def test_corrupt_or_non_gzip_files_are_archive_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.tgz"
    path.write_bytes(data)
    with pytest.raises(ArchiveError) as caught:
        load_chart(path)
    assert str(path) in str(caught.value)


def test_values_yaml_given_as_chart_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "values.yaml"
    path.write_text("a: 1\n")
    with pytest.raises(ArchiveError, match="looks like YAML"):
        load_chart(path)


def test_extract_refuses_to_overwrite_an_existing_chart(tmp_path: Path) -> None:
    archive = _good(tmp_path)
    (tmp_path / "out" / "demo").mkdir(parents=True)
    (tmp_path / "out" / "demo" / "keep").write_text("mine")
    with pytest.raises(ArchiveError, match="already exists"):
        extract_archive(archive, tmp_path / "out")
    assert (tmp_path / "out" / "demo" / "keep").read_text() == "mine"


def test_failed_extraction_leaves_nothing_behind(tmp_path: Path) -> None:
    members = [_file("demo/Chart.yaml", CHART_YAML), _file("demo/templates/a.yaml", b"a")]
    members.append(_link("demo/templates/z.yaml", "../../x", tarfile.SYMTYPE))
    archive = _write(tmp_path / "late.tgz", members)
    with pytest.raises(ArchiveError):
        extract_archive(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _zeros_tgz(top: str, count: int, size: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo(f"{top}/Chart.yaml")
        data = f"apiVersion: v2\nname: {top}\nversion: 0.1.0\n".encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for i in range(count):
            info = tarfile.TarInfo(f"{top}/files/z{i}")
            info.size = size
            tar.addfile(info, _Zeros(size))
    return buffer.getvalue()


def test_nested_subchart_archives_share_one_expansion_budget(tmp_path: Path) -> None:
    """Two subchart archives of 60 MiB each: each within the limit, together over it."""
    root = tmp_path / "parent"
    (root / "charts").mkdir(parents=True)
    (root / "Chart.yaml").write_bytes(CHART_YAML)
    for name in ("a", "b"):
        (root / "charts" / f"{name}-0.1.0.tgz").write_bytes(_zeros_tgz(name, 12, 5 * 1024 * 1024))
    assert sum(p.stat().st_size for p in (root / "charts").iterdir()) < 2 * 1024 * 1024
    with pytest.raises(ArchiveError, match="limit") as caught:
        load_chart(root)
    assert "charts/b-0.1.0.tgz" in str(caught.value)


def test_huge_pax_header_is_stopped_by_the_stream_cap(tmp_path: Path) -> None:
    """tarfile reads pax headers whole; the decompressing stream refuses past its cap."""
    size = 140 * 1024 * 1024
    header = tarfile.TarInfo("././@PaxHeader")
    header.type = tarfile.XHDTYPE
    header.size = size
    raw = header.tobuf(format=tarfile.USTAR_FORMAT)
    path = tmp_path / "pax.tgz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(raw)
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            out.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ArchiveError, match="decompression bomb"):
        read_archive(path)


def test_archives_packaged_by_helm_load_like_the_directory(
    corpus: Path, helm_oracle: Path, tmp_path: Path
) -> None:
    """Helm writes a gzip FEXTRA header that Python's tarfile stream mode cannot read."""
    source = corpus / "charts/grafana/rollout-operator"
    proc = subprocess.run(
        [str(helm_oracle), "package", str(source), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    packaged, directory = load_chart(tmp_path / "rollout-operator-0.51.1.tgz"), load_chart(source)
    assert packaged.metadata.document == directory.metadata.document
    assert [t.name for t in packaged.templates] == [t.name for t in directory.templates]
    assert packaged.values == directory.values
    assert [(s.name, [c.name for c in s.crds]) for s in packaged.subcharts] == [
        (s.name, [c.name for c in s.crds]) for s in directory.subcharts
    ]
