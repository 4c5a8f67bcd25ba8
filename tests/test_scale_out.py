"""Scale-out proof for the SaaS kind (services tier): two Gunicorn processes behind nginx, PostgreSQL and
Redis, a bounded load across two organisations. See `scale_out.py`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .generated import render
from .scale_out import (
    KEY_RATE,
    NGINX,
    create_database,
    drop_database,
    run_load,
    scaled_out,
    throttle_probe,
    upstream_counts,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]

POSTGRES_URL = os.environ.get("DJSTARTER_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("DJSTARTER_TEST_REDIS_URL", "")


@pytest.mark.skipif(
    not POSTGRES_URL or not REDIS_URL, reason="set DJSTARTER_TEST_POSTGRES_URL and _REDIS_URL"
)
@pytest.mark.skipif(not shutil.which(NGINX) and not Path(NGINX).exists(), reason="nginx is not installed")
def test_saas_scales_out_behind_nginx(tmp_path: Path) -> None:
    project = render("saas", "drf", tmp_path / "project")
    name = f"djs_scale_out_{os.getpid()}"
    database = create_database(POSTGRES_URL, name)
    redis = REDIS_URL.rsplit("/", 1)[0] + "/14" if REDIS_URL.count("/") > 2 else REDIS_URL + "/14"
    import redis as redis_client

    redis_client.Redis.from_url(redis).flushdb()
    try:
        with scaled_out(project, tmp_path, database, redis) as site:
            result = run_load(site, total=2000, concurrency=16, time_limit=180)
            statuses = throttle_probe(site)
            counts = upstream_counts(site)
            logs = "".join(path.read_text(errors="replace") for path in tmp_path.glob("gunicorn-*.log"))
    finally:
        drop_database(POSTGRES_URL, name)
    print(f"\nscale-out: {result.requests} requests in {result.seconds:.1f}s, {result.rps:.0f} rps, "
          f"p95 {result.p95_ms:.0f} ms, statuses {result.statuses}, upstreams {counts}")  # fmt: skip
    assert result.requests == 2000, result.statuses
    assert result.server_errors == [], result.server_errors[:10]
    assert result.cross_org == [], result.cross_org[:10]
    # Sessions live in PostgreSQL behind the Redis cache: a login on one process is known to both.
    assert result.signed_out == [], result.signed_out[:10]
    assert all(count > 100 for count in counts.values()), counts
    # The API key throttle counts in Redis: exactly KEY_RATE calls pass, whichever process serves them.
    assert statuses.count(200) == KEY_RATE and statuses.count(429) == len(statuses) - KEY_RATE, statuses
    assert "Traceback" not in logs, logs[-4000:]
