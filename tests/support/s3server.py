"""A real S3 API on 127.0.0.1: moto's threaded server (it enforces If-Match / If-None-Match)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

__all__ = ["S3Server", "free_port", "s3_server"]

ACCESS_KEY = "AKIATESTCIHELM000001"
SECRET_KEY = "s3-secret-Zq8vY3kLmN0pQrStUv"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class S3Server:
    endpoint: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def cli_args(self) -> list[str]:
        return ["--endpoint-url", self.endpoint, "--region", "us-east-1", "--path-style"]

    def env(self) -> dict[str, str]:
        return {"CI_HELM_AWS_ACCESS_KEY_ID": ACCESS_KEY, "CI_HELM_AWS_SECRET_ACCESS_KEY": SECRET_KEY}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer  # imported here: the plugin loads in every test session

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
