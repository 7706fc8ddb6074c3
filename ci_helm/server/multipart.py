"""Reading the ``multipart/form-data`` bodies ChartMuseum clients send (``chart`` and ``prov`` fields)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

__all__ = ["form_files"]


def form_files(content_type: str, body: bytes) -> dict[str, bytes]:
    """Field name -> bytes for every part of a multipart body (empty for anything else)."""
    if not content_type.lower().startswith("multipart/form-data"):
        return {}
    head = f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            files[name] = payload
    return files
