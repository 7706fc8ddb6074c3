"""A throw-away self-signed certificate for 127.0.0.1, made with the openssl CLI at test time.

Needed for bearer tokens: client-go sends no credentials to a plain-HTTP server.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path


def self_signed(directory: Path | None = None) -> tuple[Path, Path]:
    """(certificate, key) for CN/SAN 127.0.0.1, valid for a day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the fake API server needs the openssl CLI to serve TLS")
    directory = directory or Path(tempfile.mkdtemp(prefix="fakekube-tls-"))
    cert, key = directory / "tls.crt", directory / "tls.key"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [openssl, *request, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
