"""The HTTP boundary: one POST to a checked target (``addresses.Target``), with the standard library.

The connection goes to the address that was checked (no second DNS lookup), with TLS verified against
the URL's host name (SNI and certificate), and redirects are not followed (a redirect could point
anywhere: it counts as a failure). Tests replace ``post``: they never reach the network.
"""

import http.client
import socket
import ssl
from dataclasses import dataclass

from .addresses import Target

#: Bytes of the receiver's answer kept (the rest is not read).
MAX_RESPONSE = 1024


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""


class TransportError(Exception):
    """The request did not get an answer (timeout, refused connection, TLS error…)."""


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to ``address`` that speaks TLS to (and verifies the certificate of) ``host``."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    connection = PinnedHTTPSConnection(target.host, target.port, address=target.address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return Response(status=response.status, body=response.read(MAX_RESPONSE))
    except (OSError, http.client.HTTPException) as error:
        raise TransportError(str(error) or error.__class__.__name__) from error
    finally:
        connection.close()
