"""A test that builds a production app (rate limits counted in Redis) leaves the test app
counting in memory: Flask-Limiter has one storage for its one limiter, bound to the app built
last, and the reset after each test would otherwise wipe the counters every process keeps in
that Redis (another xdist worker's servers, another checkout's test run).

The three tests run in this order, in one process (one xdist group)."""

from __future__ import annotations

import pytest

from pressoffice.extensions import limiter

from .test_rate_limits_shared import REDIS_URL, _production

pytestmark = pytest.mark.xdist_group("limiter-after-another-app")


def test_the_test_app_counts_in_memory(app):
    assert type(limiter.storage).__name__ == "MemoryStorage"


def test_a_production_app_counts_in_redis(tmp_path):
    _production(tmp_path, RATELIMIT_STORAGE_URI=REDIS_URL)

    assert type(limiter.storage).__name__ == "RedisStorage"


def test_after_it_the_test_app_counts_in_memory_again(app):
    assert type(limiter.storage).__name__ == "MemoryStorage"
