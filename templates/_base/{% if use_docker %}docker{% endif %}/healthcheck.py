"""Container health check: GET /healthz/ (200 when the database is reachable), standard library only.

The request carries a Host header taken from ALLOWED_HOSTS, so Django accepts it whatever host
names production allows, and says it came through an HTTPS proxy, so SECURE_SSL_REDIRECT does
not redirect it.
"""

import os
import sys
import urllib.request

hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
