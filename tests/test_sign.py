"""Signing: `.prov` files that `helm verify` and helm_python accept, keys the way CI provides them."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.gpgkeys import GpgKey, make_key, stop_agent

HELLO = "helm-examples/hello-world"


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> GpgKey:
    made = make_key(tmp_path_factory.mktemp("gnupg") / "home", "CI Signer <ci@example.invalid>")
    yield made  # type: ignore[misc]
    stop_agent(made.home)


@pytest.fixture(scope="module")
def protected_key(tmp_path_factory: pytest.TempPathFactory) -> GpgKey:
    made = make_key(
        tmp_path_factory.mktemp("gnupg") / "home", "Locked <locked@example.invalid>", passphrase="s3cret pass"
    )
    yield made  # type: ignore[misc]
    stop_agent(made.home)


@pytest.fixture
def package(run_cli, corpus: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    result = run_cli("package", str(corpus / "charts" / HELLO), "-d", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out" / "hello-world-0.1.0.tgz"


def helm_verify(helm: Path, package: Path, keyring: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(helm), "verify", "--keyring", str(keyring), str(package)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_sign_with_armored_key_from_env_is_accepted_by_helm_and_helm_python(  # type: ignore[no-untyped-def]
    run_cli, package: Path, key: GpgKey, helm_oracle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="cihelm-t", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    armored = key.secret_armored()
    result = run_cli("sign", str(package), env={"CI_HELM_SIGN_KEY": armored})
    assert result.exit_code == 0, result.stderr
    assert "PRIVATE KEY" not in result.stdout + result.stderr
    prov = package.with_name(package.name + ".prov")
    text = prov.read_text()
    assert text.startswith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n")
    assert "\n...\nfiles:\n  hello-world-0.1.0.tgz: sha256:" in text
    assert list(scratch.iterdir()) == []  # the throwaway GNUPGHOME is gone
    scratch.rmdir()

    keyring = key.public_keyring(tmp_path / "pub.gpg")
    verified = helm_verify(helm_oracle, package, keyring)
    assert verified.returncode == 0, verified.stderr
    assert "CI Signer" in verified.stdout

    import helm_python

    report = helm_python.verify(str(package), str(keyring))
    assert report["file_name"] == package.name
    assert any("CI Signer" in s for s in report["signed_by"])


def test_package_sign_with_passphrase_file_and_key_file(  # type: ignore[no-untyped-def]
    run_cli, corpus: Path, protected_key: GpgKey, helm_oracle: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "signing.asc"
    key_file.write_text(protected_key.secret_armored())
    pass_file = tmp_path / "pass.txt"
    pass_file.write_text("s3cret pass\n")
    result = run_cli(
        "package",
        str(corpus / "charts" / HELLO),
        "-d",
        str(tmp_path / "out"),
        "--sign",
        "--sign-key-file",
        str(key_file),
        "--sign-passphrase-file",
        str(pass_file),
    )
    assert result.exit_code == 0, result.stderr
    package = tmp_path / "out" / "hello-world-0.1.0.tgz"
    assert "s3cret" not in result.stdout + result.stderr
    verified = helm_verify(helm_oracle, package, protected_key.public_keyring(tmp_path / "pub.gpg"))
    assert verified.returncode == 0, verified.stderr


def test_wrong_passphrase_is_a_clear_error(run_cli, package: Path, protected_key: GpgKey) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "sign",
        str(package),
        env={"CI_HELM_SIGN_KEY": protected_key.secret_armored(), "CI_HELM_SIGN_PASSPHRASE": "nope"},
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    assert not package.with_name(package.name + ".prov").exists()


def test_existing_gnupghome_kbx_with_key_selection(  # type: ignore[no-untyped-def]
    run_cli, package: Path, key: GpgKey, tmp_path: Path, helm_oracle: Path
) -> None:
    home = tmp_path / "home2"
    other = make_key(home, "Other <other@example.invalid>")
    home_key = make_key(home, "Release Bot <bot@example.invalid>")
    assert (home / "pubring.kbx").is_file()
    try:
        ambiguous = run_cli("sign", str(package), "--sign-gnupghome", str(home))
        assert ambiguous.exit_code == 2 and "choose one with --sign-key-id" in ambiguous.stderr
        by_uid = run_cli("sign", str(package), "--sign-gnupghome", str(home), "--sign-key-id", "release bot")
        assert by_uid.exit_code == 0, by_uid.stderr
        assert home_key.fingerprint in by_uid.stdout
        by_id = run_cli(
            "sign", str(package), "--sign-gnupghome", str(home), "--sign-key-id", other.fingerprint[-16:]
        )
        assert by_id.exit_code == 0 and other.fingerprint in by_id.stdout
        assert helm_verify(helm_oracle, package, other.public_keyring(tmp_path / "o.gpg")).returncode == 0
    finally:
        stop_agent(home)


def test_binary_secret_keyring_as_key_file(run_cli, package: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ring = tmp_path / "secring.gpg"
    ring.write_bytes(
        key.gpg("--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", key.fingerprint)
    )
    result = run_cli("sign", str(package), "--sign-key-file", str(ring), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert key.fingerprint in result.stdout


def test_no_key_configured_is_usage_error(run_cli, package: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("sign", str(package))
    assert result.exit_code == 2
    assert "signing needs a key" in result.stderr


def test_sign_and_verify_a_package_directory(run_cli, package: Path, key: GpgKey, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = package.parent
    signed = run_cli("sign", str(folder), "--format", "json", env={"CI_HELM_SIGN_KEY": key.secret_armored()})
    assert signed.exit_code == 0, signed.stderr
    assert [r["signed"] for r in json.loads(signed.stdout)] == [True]
    verified = run_cli("verify", str(folder), "--keyring", str(key.public_keyring(tmp_path / "pub.gpg")))
    assert verified.exit_code == 0, verified.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("verify", str(empty), "--keyring", str(tmp_path / "pub.gpg")).exit_code == 2


def test_debug_output_never_shows_key_material(run_cli, package: Path, key: GpgKey) -> None:  # type: ignore[no-untyped-def]
    import logging

    armored = key.secret_armored()
    body = [line for line in armored.splitlines() if line and not line.startswith("-----")]
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Capture(level=logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # what --debug does in a fresh process (basicConfig)
    try:
        result = run_cli("sign", str(package), "--debug", env={"CI_HELM_SIGN_KEY": armored})
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert result.exit_code == 0, result.stderr
    seen = "\n".join(records) + result.stdout + result.stderr
    assert not any(chunk[:24] in seen for chunk in body)
