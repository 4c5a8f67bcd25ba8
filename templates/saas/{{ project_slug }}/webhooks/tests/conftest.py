"""Test doubles at the boundaries: DNS (``addresses.resolve``) and HTTP (``transport.post``). The tests
never reach the network."""

import pytest

from .. import addresses, transport

#: Names the fake resolver knows; any other name does not resolve.
PUBLIC = "93.184.215.14"
DNS = {
    "hooks.example.com": [PUBLIC],
    "other.example.com": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "internal.example.com": ["127.0.0.1"],
    "mixed.example.com": [PUBLIC, "10.1.2.3"],
    "metadata.example.com": ["169.254.169.254"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    names = dict(DNS)

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(f"{host}: name not known")
        return names[host]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return names


class FakeTransport:
    """Answers each POST with the next of ``answers`` (a status code, or an exception to raise), the last
    one again when they run out; remembers every request."""

    def __init__(self) -> None:
        self.answers: list[int | Exception] = [200]
        self.requests: list[dict] = []

    def post(self, target, body: bytes, headers: dict[str, str], timeout: float) -> transport.Response:
        self.requests.append({"target": target, "body": body, "headers": headers, "timeout": timeout})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return transport.Response(status=answer, body=b"ok")


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    fake = FakeTransport()
    monkeypatch.setattr(transport, "post", fake.post)
    return fake
