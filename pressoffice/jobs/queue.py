"""The huey instance, its storage chosen by the ``JOBS_URL`` setting, and the app tasks run in."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

QUEUE_NAME = "pressoffice"

# Created once, so tasks can be declared on it at import; its storage is set by
# ``configure_queue`` from the settings of the app being built.
huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=MemoryStorage)

_configured: tuple[str, str] | None = None
_app = None
_app_lock = threading.Lock()


def storage_url(config, instance_path: str) -> str:
    """Where the queue lives: ``JOBS_URL``, else a SQLite file in the instance folder."""
    url = config.get("JOBS_URL")
    if url:
        return url
    return f"sqlite:///{Path(instance_path) / 'jobs.sqlite3'}"


def configure_queue(app) -> None:
    """Point the queue at the storage the app's settings name (``JOBS_URL``, ``JOBS_QUEUE``)."""
    point_queue_at(
        storage_url(app.config, app.instance_path), app.config.get("JOBS_QUEUE") or QUEUE_NAME
    )


def point_queue_at(url: str, name: str = QUEUE_NAME) -> None:
    """Use the queue at ``url`` (redis://..., sqlite:///PATH or memory://) named ``name``."""
    global _configured
    if (url, name) == _configured:
        return
    if url.startswith("memory://"):
        huey.storage = MemoryStorage(name)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage(name, url=url)
    elif url.startswith("sqlite:///"):
        huey.storage = SqliteStorage(name, filename=url[len("sqlite:///") :])
    else:
        from config import ConfigError

        raise ConfigError(
            f"JOBS_URL must be redis://HOST:PORT/DB, sqlite:///PATH or memory://, not {url!r}"
        )
    _configured = (url, name)


def use_app(app) -> None:
    """Run tasks in this app (the demo server's, a test's) instead of building one."""
    global _app
    _app = app


@contextmanager
def task_context():
    """An application context for a task: the app given to ``use_app``, or one built from the
    settings, once per worker process."""
    global _app
    if _app is None:
        with _app_lock:
            if _app is None:
                from .. import create_app

                _app = create_app()
    with _app.app_context():
        try:
            yield _app
        finally:
            from ..extensions import db

            db.session.remove()
