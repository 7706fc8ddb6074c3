"""`ci-helm verify`: accepts Helm's own `.prov`, and explains every way a package can fail to verify."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ci_helm.provenance import message_block
from tests.support.gpgkeys import GpgKey, make_key, revoke, stop_agent

HELLO = "helm-examples/hello-world"


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> GpgKey:
    made = make_key(tmp_path_factory.mktemp("gnupg") / "home", "Chart Signer <signer@example.invalid>")
    yield made  # type: ignore[misc]
    stop_agent(made.home)


@pytest.fixture
def signed(run_cli, corpus: Path, tmp_path: Path, key: GpgKey) -> Path:  # type: ignore[no-untyped-def]
    result = run_cli(
        "package",
        str(corpus / "charts" / HELLO),
        "-d",
        str(tmp_path / "out"),
        "--sign",
        env={"CI_HELM_SIGN_KEY": key.secret_armored()},
    )
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out" / "hello-world-0.1.0.tgz"


def verify(run_cli, package: Path, keyring: Path):  # type: ignore[no-untyped-def]
    return run_cli("verify", str(package), "--keyring", str(keyring))


def test_verifies_our_signature(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = verify(run_cli, signed, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 0, result.stderr
    assert "Chart Signer" in result.stdout and key.fingerprint in result.stdout


def test_verifies_helm_package_sign_output(  # type: ignore[no-untyped-def]
    run_cli, corpus: Path, key: GpgKey, helm_oracle: Path, tmp_path: Path
) -> None:
    secring = tmp_path / "secring.gpg"
    secring.write_bytes(key.gpg("--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys"))
    proc = subprocess.run(
        [
            str(helm_oracle),
            "package",
            "--sign",
            "--key",
            "Chart Signer",
            "--keyring",
            str(secring),
            "-d",
            str(tmp_path / "helm"),
            str(corpus / "charts" / HELLO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    package = tmp_path / "helm" / "hello-world-0.1.0.tgz"
    assert package.with_name(package.name + ".prov").is_file()
    result = verify(run_cli, package, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 0, result.stderr


def test_archive_hash_mismatch(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    signed.write_bytes(signed.read_bytes() + b"\0")
    result = verify(run_cli, signed, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 1
    assert "archive hash mismatch" in result.stderr


def test_unknown_signer(run_cli, signed: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = make_key(tmp_path / "stranger", "Stranger <s@example.invalid>")
    try:
        result = verify(run_cli, signed, stranger.public_keyring(tmp_path / "other.gpg"))
    finally:
        stop_agent(stranger.home)
    assert result.exit_code == 1
    assert "unknown signer" in result.stderr


def test_bad_signature(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prov = signed.with_name(signed.name + ".prov")
    prov.write_text(prov.read_text().replace("description: A Helm chart", "description: A HELM chart"))
    result = verify(run_cli, signed, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 1
    assert "bad signature" in result.stderr


def test_missing_prov(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    signed.with_name(signed.name + ".prov").unlink()
    result = verify(run_cli, signed, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 1
    assert "no provenance file hello-world-0.1.0.tgz.prov" in result.stderr


def test_prov_naming_another_file(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = signed.with_name("renamed-0.1.0.tgz")
    shutil.copy(signed, other)
    shutil.copy(signed.with_name(signed.name + ".prov"), other.with_name(other.name + ".prov"))
    result = verify(run_cli, other, key.public_keyring(tmp_path / "pub.gpg"))
    assert result.exit_code == 1
    assert "provenance names hello-world-0.1.0.tgz, not renamed-0.1.0.tgz" in result.stderr


def test_revoked_key(run_cli, signed: Path, tmp_path: Path, key: GpgKey) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "revoked-home"
    shutil.copytree(key.home, home, ignore=shutil.ignore_patterns("S.*"))
    copy = GpgKey(home, key.uid, key.fingerprint, None)
    try:
        revoke(copy)
        result = verify(run_cli, signed, copy.public_keyring(tmp_path / "revoked.gpg"))
    finally:
        stop_agent(home)
    assert result.exit_code == 1
    assert "has been revoked" in result.stderr


def test_expired_key(run_cli, corpus: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A key made in 2020 that expired in 2021; the .prov was signed while it was valid.
    old = make_key(
        tmp_path / "old", "Old Key <old@example.invalid>", faked_time="20200101T000000", expire="1y"
    )
    try:
        result = run_cli("package", str(corpus / "charts" / HELLO), "-d", str(tmp_path / "out"))
        assert result.exit_code == 0
        package = tmp_path / "out" / "hello-world-0.1.0.tgz"
        message = message_block(package, package.read_bytes())
        signed = old.gpg(
            "--faked-system-time",
            "20200601T000000",
            "--digest-algo",
            "SHA512",
            "--local-user",
            old.fingerprint,
            "--clearsign",
            input=message,
        )
        package.with_name(package.name + ".prov").write_bytes(signed)
        outcome = verify(run_cli, package, old.public_keyring(tmp_path / "old.gpg"))
    finally:
        stop_agent(old.home)
    assert outcome.exit_code == 1
    assert "has expired" in outcome.stderr


def test_json_report_lists_each_package(run_cli, signed: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    missing = tmp_path / "missing-1.0.0.tgz"
    shutil.copy(signed, missing)
    result = run_cli(
        "verify",
        str(signed),
        str(missing),
        "--keyring",
        str(key.public_keyring(tmp_path / "p.gpg")),
        "--format",
        "json",
    )
    rows = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [r["verified"] for r in rows] == [True, False]


def test_no_keyring_is_usage_error(run_cli, signed: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("verify", str(signed))  # HOME is a fresh temp dir: no ~/.gnupg
    assert result.exit_code == 2
    assert "pass --keyring FILE" in result.stderr


def test_verify_with_gnupghome(run_cli, signed: Path, key: GpgKey) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("verify", str(signed), "--verify-gnupghome", str(key.home))
    assert result.exit_code == 0, result.stderr
