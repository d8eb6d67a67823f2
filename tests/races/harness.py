"""A real multi-process server on loopback, and the means to make two requests land at once.

The server is gunicorn with four sync workers, started from the source tree that this test run
imports (so the suite can be pointed at any checkout with ``PYTHONPATH``), on a scratch database
migrated first. Requests go through ``http.client`` with no redirects followed; a race opens every
connection first and releases the threads together at a barrier, so the requests reach the
workers at the same moment.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pressoffice

WORKERS = 4
REQUEST_TIMEOUT = 60
# Every request loop of the suite is bounded: by its iterations and by this many seconds.
SERVER_START_TIMEOUT = 60
SECRET = "race-suite-secret-of-at-least-thirty-two-characters"
# Rate limits high enough never to answer 429 to the suite (the limits have tests of their own).
GENEROUS = "100000 per minute"

# What a failure looks like in the server's log: a traceback, a logged exception, a 500 answer
# in the access log ("... HTTP/1.1" 500 ...).
LOG_FAILURE = re.compile(r"Traceback|Exception|\" 5\d\d ")


def source_root() -> Path:
    """The checkout whose ``pressoffice`` package this test run imports."""
    return Path(pressoffice.__file__).resolve().parent.parent


def gunicorn_available() -> bool:
    return importlib.util.find_spec("gunicorn") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    text: str

    def __str__(self) -> str:
        return f"{self.status} {self.text[:300]!r}"


@dataclass
class Call:
    """One HTTP request, ready to be sent."""

    method: str
    path: str
    json_body: Any = None
    form: dict[str, str] | None = None
    token: str | None = None
    cookie: str | None = None

    def encoded(self) -> tuple[bytes | None, dict[str, str]]:
        headers = {"Accept": "application/json"}
        body = None
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.json_body is not None:
            body = json.dumps(self.json_body).encode()
            headers["Content-Type"] = "application/json"
        elif self.form is not None:
            body = urlencode(self.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Accept"] = "text/html"
        return body, headers


def _read(response: http.client.HTTPResponse) -> Answer:
    raw = response.read().decode("utf-8", "replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    body: Any = None
    if headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
    return Answer(response.status, body, headers, raw)


class RaceServer:
    """gunicorn serving the app on a scratch database; its log (access and errors) in a file."""

    def __init__(self, database_url: str, folder: Path, label: str):
        self.database_url = database_url
        self.folder = folder
        self.label = label
        self.port = _free_port()
        self.log_path = folder / f"server-{label}.log"
        root = source_root()
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
            "PRESSOFFICE_ENV": "development",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "ATTACHMENT_DIR": str(folder / f"attachments-{label}"),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_ENQUIRY_LIMIT": GENEROUS,
            "PREVIEW_LINK_LIMIT": GENEROUS,
            "LOGIN_LIMIT_PER_ACCOUNT": GENEROUS,
            "LOGIN_LIMIT_PER_ADDRESS": GENEROUS,
        }
        self.root = root
        self.process: subprocess.Popen | None = None

    def migrate(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "pressoffice", "db", "upgrade"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--backlog",
            "512",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "pressoffice:create_app()",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log_path.read_text()}")
            try:
                if self.send(Call("GET", "/api/v1/routing")).status == 200:
                    # Every worker boots on its own; give the slowest a moment to be ready.
                    time.sleep(1.0)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {SERVER_START_TIMEOUT} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    # --- requests --------------------------------------------------------------------------

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def send(self, call: Call, connection: http.client.HTTPConnection | None = None) -> Answer:
        connection = connection or self.connection()
        try:
            body, headers = call.encoded()
            connection.request(call.method, call.path, body=body, headers=headers)
            return _read(connection.getresponse())
        finally:
            connection.close()

    def together(self, *calls: Call) -> list[Answer]:
        """Send every call at the same instant, each on its own connection opened beforehand;
        the answers come back in the order of the calls."""
        connections = [self.connection() for _ in calls]
        for connection in connections:
            connection.connect()
        barrier = threading.Barrier(len(calls))
        answers: list[Answer | BaseException | None] = [None] * len(calls)

        def run(index: int) -> None:
            try:
                barrier.wait(timeout=REQUEST_TIMEOUT)
                answers[index] = self.send(calls[index], connections[index])
            except BaseException as exc:  # noqa: BLE001 - reported by the caller
                answers[index] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 10)
        for index, answer in enumerate(answers):
            if not isinstance(answer, Answer):
                raise RuntimeError(f"{calls[index].method} {calls[index].path}: {answer!r}")
        return answers  # type: ignore[return-value]

    # --- the server's log ------------------------------------------------------------------

    def log_offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_failures(self, since: int) -> list[str]:
        """Lines of the server log written after ``since`` that show a failure."""
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode("utf-8", "replace")
        return [line for line in text.splitlines() if LOG_FAILURE.search(line)]


# --- the tally each race keeps, printed at the end of the run ------------------------------


@dataclass
class Tally:
    """What one pair did over its iterations on one database."""

    pair: str
    database: str
    iterations: int = 0
    outcomes: Counter = field(default_factory=Counter)
    server_errors: int = 0
    log_failures: int = 0
    violations: list[str] = field(default_factory=list)
    broken_iterations: set[int] = field(default_factory=set)
    # How often each kind of breakage was seen (numbers left out of the wording).
    kinds: Counter = field(default_factory=Counter)

    def answered(self, *answers: Answer) -> None:
        self.server_errors += sum(1 for a in answers if a.status >= 500)

    def violation(self, iteration: int, message: str) -> None:
        self.violations.append(f"iteration {iteration}: {message}")
        self.broken_iterations.add(iteration)
        # The kind of breakage: the wording without the answer quoted or the numbers in it.
        kind = re.split(r" '| \[", message, maxsplit=1)[0]
        self.kinds[re.sub(r"\d+", "N", kind)[:110]] += 1

    def summary(self) -> str:
        shown = "; ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        return shown or "-"


RESULTS: list[Tally] = []


def report_lines() -> list[str]:
    """The table of every race run so far."""
    if not RESULTS:
        return []
    rows = [("database", "pair", "runs", "5xx", "log", "broken", "outcomes")]
    for tally in RESULTS:
        rows.append(
            (
                tally.database,
                tally.pair,
                str(tally.iterations),
                str(tally.server_errors),
                str(tally.log_failures),
                str(len(tally.broken_iterations)),
                tally.summary(),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    lines.insert(1, "-" * len(lines[0]))
    broken = [t for t in RESULTS if t.kinds]
    if broken:
        lines += ["", "what broke:"]
        for tally in broken:
            lines.append(f"  {tally.database} {tally.pair}:")
            lines += [f"    {count:4d}  {kind}" for kind, count in tally.kinds.most_common(6)]
    lines.append("")
    lines.append(
        "5xx: answers of 500 or above; log: server-log lines with a traceback, an exception or "
        "a 5xx; broken: iterations that ended outside the serial outcomes or broke an invariant."
    )
    return lines
