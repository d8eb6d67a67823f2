"""Rate limits hold once across every process that serves the app.

With ``memory://`` storage each worker process counts on its own, so four workers let through
four times the limit. Production therefore refuses to start without a shared store, and two
server processes sharing one Redis let one address through exactly PUBLIC_ENQUIRY_LIMIT times.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from config import ConfigError
from pressoffice import create_app

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("PRESSOFFICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "a-production-secret-of-at-least-thirty-two-characters"


def _production(tmp_path, **overrides):
    settings = {
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ATTACHMENT_DIR": str(tmp_path / "files"),
    }
    settings.update(overrides)
    return create_app("production", settings)


@pytest.mark.parametrize("storage", ["memory://", "", None])
def test_production_refuses_to_start_with_per_process_rate_limit_counters(tmp_path, storage):
    with pytest.raises(ConfigError) as refused:
        _production(tmp_path, RATELIMIT_STORAGE_URI=storage)

    message = str(refused.value)
    assert "RATELIMIT_STORAGE_URI=redis://" in message
    assert "\n" not in message


def test_production_starts_with_a_shared_rate_limit_store(tmp_path):
    app = _production(tmp_path, RATELIMIT_STORAGE_URI=REDIS_URL)

    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL


def test_the_command_line_says_in_one_line_what_to_set(tmp_path):
    env = {
        **os.environ,
        "PRESSOFFICE_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    result = subprocess.run(
        [str(BIN / "pressoffice"), "users", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: RATELIMIT_STORAGE_URI")
    assert "RATELIMIT_STORAGE_URI=redis://" in lines[0]


# --- two processes, one Redis -----------------------------------------------------------------


def _redis_or_skip():
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed: pip install -e '.[test]'")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); start one to run this test")
    return client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server on port {port} stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/routing", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the server on port {port} did not answer within 30 seconds:\n{log.read_text()}")


def _submit_enquiry(port: int, number: int) -> int:
    body = {
        "journalist_name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "subject": f"Waiting times, question {number}",
        "details": "How many cases are waiting?",
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/enquiries",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.fixture
def two_servers(tmp_path):
    """Two gunicorn processes on loopback, one database and one Redis, counting under a key
    prefix of their own so that no other run shares their counters."""
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists() and shutil.which("gunicorn") is None:
        pytest.skip("gunicorn is not installed: pip install -e '.[test]'")
    redis_client = _redis_or_skip()
    prefix = f"pressoffice-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "PRESSOFFICE_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "ATTACHMENT_DIR": str(tmp_path / "files"),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "PUBLIC_ENQUIRY_LIMIT": "5 per hour",
    }
    migrated = subprocess.run(
        [str(BIN / "pressoffice"), "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert migrated.returncode == 0, migrated.stderr
    # Keys of their own from the storage's prefix down, so that no reset of the storage's
    # default keys (LIMITS:*) by another process on this Redis touches their counters.
    settings = {"RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}
    factory = f"pressoffice:create_app('production', {settings!r})"
    servers, ports = [], []
    try:
        for number in range(2):
            port = _free_port()
            log = tmp_path / f"server-{number}.log"
            command = [str(gunicorn) if gunicorn.exists() else "gunicorn"]
            command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--timeout", "30"]
            command += ["--error-logfile", str(log), factory]
            servers.append((subprocess.Popen(command, env=env, cwd=tmp_path), log))
            ports.append(port)
        for port, (server, log) in zip(ports, servers, strict=True):
            _wait_until_serving(port, server, log)
        yield ports
    finally:
        for server, _log in servers:
            server.terminate()
        for server, _log in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)


def test_the_public_enquiry_limit_holds_once_across_two_server_processes(two_servers):
    first, second = two_servers
    answers = []
    for number in range(12):
        port = first if number % 2 == 0 else second
        answers.append((port, _submit_enquiry(port, number)))

    accepted = [port for port, status in answers if status == 201]
    refused = [port for port, status in answers if status == 429]
    assert len(accepted) == 5, answers
    assert len(refused) == 7, answers
    # Both processes took some of the five and both refused the rest: one count, not two.
    assert set(accepted) == {first, second}
    assert set(refused) == {first, second}
    assert [status for _port, status in answers[:5]] == [201] * 5
