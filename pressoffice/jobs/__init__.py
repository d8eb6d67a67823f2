"""The job queue: huey, its delivery tasks and the sweep, run by ``pressoffice worker``.

The queue lives on SQLite in the instance folder (``instance/jobs.sqlite3``) unless ``JOBS_URL``
names Redis (``redis://127.0.0.1:6379/0``), which any number of worker processes on any number
of machines share. The outbox rows are the record; the queue only says which row to look at
when. A task runs inside an application context of the worker's own app, built from the same
settings (``create_app()``), or of the app handed to ``use_app`` (the demo server's, a test's).
"""

from . import batches, delivery  # noqa: E402,F401  (registers the tasks)
from .queue import configure_queue, huey, use_app  # noqa: F401
