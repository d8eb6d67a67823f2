"""Side-by-side web benchmark: every page that matters, against a bare Flask endpoint.

    python -m benchmarks.web                       # SQLite, 2,000 releases, 200,000 enquiries
    python -m benchmarks.web --enquiries 2000
    python -m benchmarks.web --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m benchmarks.web --workers 1
    python -m benchmarks.web --quick               # a smoke run: small data, short rounds
    python -m benchmarks.web --table benchmarks/results/*.json   # one table from several runs

What it does, in order:

1. builds a fresh database through the migrations: a temporary SQLite file, or, with
   ``--database-url``, a scratch database created beside the one named (on the same PostgreSQL
   server) and dropped at the end; the database named itself is never touched;
2. seeds it through bulk INSERTs, or COPY on PostgreSQL (``benchmarks/seed.py``), and says how
   many rows per second;
3. serves the app with gunicorn on 127.0.0.1 (sync workers, ``--workers``, default 2), and a bare
   Flask app answering "ok" (``benchmarks/bare.py``) with the very same server settings;
4. signs in once through the real sign-in form and opens a first page, as a browser does (the
   session cookie it then holds is handed to wrk for the staff pages, and every request says
   the same User-Agent), and creates an API token for the POST;
5. asks every page once and refuses to go on unless it answers 2xx;
6. runs ``wrk`` (Debian's package: ``apt-get install wrk``), ``--rounds`` times over the bare
   endpoint and every page in turn, ``--duration`` seconds each, so the bare figure of a round
   is measured in the same conditions as its pages; a Lua script counts every answer that is
   not 2xx, and a run with any is reported as failed;
7. prints a markdown table (median req/s over rounds, p50/p99 latency, median ratio to bare) and
   writes it, with every round's figures, as JSON under ``benchmarks/results/``.

The whole default run takes about six minutes on two cores (PostgreSQL: about seven).
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time as timer
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PER_PAGE = 50  # the enquiry log's page size
USER_AGENT = "pressoffice-benchmark"  # every request, signing in and under wrk, says the same

LUA = r"""
-- Counts every answer that is not 2xx, in every thread, and prints the figures as JSON.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local not_2xx = 0
  for _, thread in ipairs(threads) do not_2xx = not_2xx + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "not_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, not_2xx,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    staff: bool = False  # needs the signed-in session cookie
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: str | None = None  # text the pre-check looks for in the answer


@dataclass
class Measurement:
    requests: int
    duration_us: int
    not_2xx: int
    socket_errors: int
    p50_us: int
    p99_us: int

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0


# --- the database ---------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(url: str | None, folder: Path):
    """A URL for an empty database that is thrown away afterwards."""
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    server = make_url(url)
    if server.drivername == "postgresql":
        server = server.set(drivername="postgresql+psycopg")
    name = f"pressoffice_bench_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url: str, releases: int, enquiries: int):
    """Migrate from empty, seed, and make the sign-in token. Returns (seeded, token, seconds)."""
    from flask_migrate import upgrade

    from benchmarks.seed import SIGN_IN_EMAIL, seed
    from pressoffice import create_app
    from pressoffice.extensions import db
    from pressoffice.services import accounts

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        started = timer.perf_counter()
        upgrade()
        migrated = timer.perf_counter() - started
        seeded = seed(releases=releases, enquiries=enquiries)
        user = accounts.find_user_by_email(SIGN_IN_EMAIL)
        _, token = accounts.create_token(user, datetime.now(UTC), label="benchmark")
        db.session.remove()
        db.engine.dispose()
    return seeded, token, migrated


# --- the servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving an app on 127.0.0.1 with sync workers."""

    def __init__(self, target: str, workers: int, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
            target,
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self._wait()

    def _wait(self) -> None:
        deadline = timer.monotonic() + 60
        while timer.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            timer.sleep(0.2)
        raise SystemExit("gunicorn did not start within 60 seconds")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the real form; answers the Cookie header a signed-in browser sends."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/sign-in").read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    fields = {"email": email, "password": password}
    if match:
        fields["csrf_token"] = match.group(1)
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        f"{base}/sign-in", data=urllib.parse.urlencode(fields).encode(), method="POST"
    )
    try:
        opener.open(request)
        raise SystemExit("signing in did not redirect: the sign-in form refused the account")
    except urllib.error.HTTPError as answer:
        if answer.code not in (302, 303):
            raise SystemExit(f"signing in answered {answer.code}") from None
    # A first page, as a browser opens after signing in: the session cookie it answers (now
    # holding the key of the page's forms) is the one the browser sends from then on.
    opener.open(f"{base}/dashboard").read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(base: str, page: Page, cookie: str) -> tuple[int, str]:
    headers = dict(page.headers)
    if page.staff:
        headers["Cookie"] = cookie
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        base + page.path,
        data=page.body.encode() if page.body else None,
        headers=headers,
        method=page.method,
    )
    headers.setdefault("User-Agent", USER_AGENT)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode("utf-8", "replace")


# --- wrk --------------------------------------------------------------------------------------


def need_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False)  # noqa: S603,S607
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("This benchmark drives the servers with wrk: sudo apt-get install wrk")


def lua_for(page: Page, folder: Path) -> Path:
    lines = [LUA]
    if page.method != "GET":
        lines.append(f"wrk.method = {json.dumps(page.method)}")
    if page.body is not None:
        lines.append(f"wrk.body = {json.dumps(page.body)}")
    for name, value in page.headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    path = folder / f"{re.sub(r'[^a-z0-9]+', '-', page.name.lower())}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(
    wrk: str, url: str, script: Path, options, cookie: str | None, duration: int
) -> Measurement:
    command = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
    ]
    # The browser that signed in: a session cookie replayed by another client is marked as
    # no longer fresh on every request (session protection), which changes the session.
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url],
        capture_output=True,
        text=True,
        timeout=duration + 90,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no figures for {url}:\n{result.stdout}\n{result.stderr}")
    return Measurement(**json.loads(line.removeprefix("WRK_JSON ")))


# --- the pages --------------------------------------------------------------------------------


def pages_for(seeded, token: str, base: str, cookie: str) -> list[Page]:
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    enquiry = json.dumps(
        {
            "journalist_name": "Sam Reporter",
            "outlet": "Leeds Post",
            "email": "sam@example.com",
            "subject": "Benchmark enquiry",
            "details": "How many inspections took place last year?",
            "deadline": deadline,
        }
    )
    pages = [
        Page("release page `/news/SLUG`", f"/news/{seeded.published_slug}", expect="said:"),
        Page("newsroom `/news`", "/news", expect="News releases"),
        Page("Atom feed", "/news.atom", expect="<entry>"),
        Page("`GET /api/v1/routing`", "/api/v1/routing", expect='"route"'),
        Page("contact page", "/contact", expect="out of hours"),
        Page(
            "enquiry log, page 1, route + status",
            "/enquiries?route=out_of_hours&status=closed",
            staff=True,
            expect="ENQ-",
        ),
        Page("enquiry log, last page", "/enquiries?page=LAST", staff=True, expect="ENQ-"),
        Page("dashboard", "/dashboard", staff=True),
        Page(
            "release edit page",
            f"/releases/{seeded.draft_id}/edit",
            staff=True,
            expect="<form",
        ),
        Page(
            "`POST /api/v1/enquiries`",
            "/api/v1/enquiries",
            method="POST",
            body=enquiry,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            expect="ENQ-",
        ),
    ]
    pages += [
        Page("one enquiry", an_enquiry_path(base, cookie), staff=True, expect="ENQ-"),
        Page("log an enquiry form", "/enquiries/new", staff=True, expect="<form"),
        Page(
            "`GET /api/v1/enquiries` route + status",
            "/api/v1/enquiries?route=out_of_hours&status=closed",
            headers={"Authorization": f"Bearer {token}"},
            expect="ENQ-",
        ),
    ]
    pages[6].path = last_page_path(base, cookie, seeded.enquiries)
    return pages


def an_enquiry_path(base: str, cookie: str) -> str:
    """The newest enquiry's own page, as a person reaches it from the log."""
    status, html = fetch(base, Page("log", "/enquiries", staff=True), cookie)
    match = re.search(r'href="(/enquiries/ENQ-\d{8}-\d{4})"', html)
    if status != 200 or not match:
        raise SystemExit("the enquiry log links to no enquiry: nothing to benchmark")
    return match.group(1)


def last_page_path(base: str, cookie: str, enquiries: int) -> str:
    """The oldest page of the log, as a person reaches it: the page's own "last" link, or the
    last page number when the log is paged by number."""
    status, html = fetch(base, Page("log", "/enquiries", staff=True), cookie)
    match = re.search(r'<a[^>]*rel="last"[^>]*href="([^"]+)"', html) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*rel="last"', html
    )
    if status == 200 and match:
        return match.group(1).replace("&amp;", "&")
    return f"/enquiries?page={max(1, math.ceil(enquiries / PER_PAGE))}"


def precheck(base: str, pages: list[Page], cookie: str) -> dict[str, float]:
    """Ask every page twice; refuse to go on unless both answers are 2xx and show what the page
    should. Answers how long the second answer took, in seconds, by page."""
    took = {}
    for page in pages:
        for _ in range(2):
            started = timer.perf_counter()
            status, text = fetch(base, page, cookie)
            took[page.name] = timer.perf_counter() - started
            if not 200 <= status < 300:
                raise SystemExit(f"{page.name} ({page.path}) answered {status}:\n{text[:2000]}")
            if page.expect and page.expect.lower() not in text.lower():
                raise SystemExit(f"{page.name} ({page.path}) did not show {page.expect!r}")
    return took


def duration_for(seconds_per_answer: float, options) -> int:
    """Long enough for every connection to be answered a few times (a slow page on a busy
    machine could otherwise show no answer at all), never above --max-duration."""
    queued = seconds_per_answer * options.connections / options.workers
    return int(min(options.max_duration, max(options.duration, math.ceil(4 * queued))))


# --- one run ----------------------------------------------------------------------------------


def measure(options) -> dict:
    wrk = need_wrk()
    with tempfile.TemporaryDirectory(prefix="pressoffice-bench-") as name:
        folder = Path(name)
        with scratch_database(options.database_url, folder) as url:
            dialect = make_url(url).get_backend_name()
            print(
                f"Building a {dialect} database: {options.releases:,} releases, "
                f"{options.enquiries:,} enquiries ..."
            )
            seeded, token, migrated = build(url, options.releases, options.enquiries)
            print(
                f"  migrations {migrated:.1f} s; seeded {seeded.rows:,} rows in "
                f"{seeded.seconds:.1f} s ({seeded.rows_per_second:,.0f} rows/s, "
                f"{'COPY' if dialect == 'postgresql' else 'bulk INSERTs'})"
            )
            env = {
                "PRESSOFFICE_ENV": "development",
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_hex(32),
                "FLASK_DEBUG": "0",
            }
            app = Server("pressoffice:create_app()", options.workers, env, folder / "app.log")
            bare = Server("benchmarks.bare:app", options.workers, env, folder / "bare.log")
            try:
                from benchmarks.seed import SIGN_IN_EMAIL, SIGN_IN_PASSWORD

                cookie = sign_in(app.base, SIGN_IN_EMAIL, SIGN_IN_PASSWORD)
                pages = pages_for(seeded, token, app.base, cookie)
                if options.pages:
                    wanted = [w.lower() for w in options.pages]
                    pages = [p for p in pages if any(w in p.name.lower() for w in wanted)]
                took = precheck(app.base, pages, cookie)
                durations = {name: duration_for(t, options) for name, t in took.items()}
                rounds = run_rounds(wrk, app, bare, pages, cookie, options, folder, durations)
            finally:
                app.stop()
                bare.stop()
                errors = (folder / "app.log").read_text() if (folder / "app.log").exists() else ""
    return {
        "database": dialect,
        "releases": options.releases,
        "enquiries": options.enquiries,
        "workers": options.workers,
        "wrk": f"-t{options.threads} -c{options.connections} -d{options.duration}s",
        "rounds": options.rounds,
        "seed_rows": seeded.rows,
        "seed_seconds": round(seeded.seconds, 2),
        "seed_rows_per_second": round(seeded.rows_per_second),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "commit": _commit(),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server_errors": errors.count("Traceback"),
        "server_error_sample": errors[errors.find("Traceback") :][:3000] if errors else "",
        "pages": summarise(pages, rounds, durations),
    }


def drain(base: str, path: str) -> None:
    """Wait until the server has answered everything wrk left queued when it stopped: sync
    workers take queued connections in turn, so one more request is answered only after all
    of them. Otherwise a slow page's leftovers would be counted against the next page."""
    with contextlib.suppress(OSError):
        urllib.request.build_opener(_NoRedirect).open(base + path, timeout=300).read()


def run_rounds(wrk, app, bare, pages, cookie, options, folder, durations) -> dict[str, list]:
    scripts = {page.name: lua_for(page, folder) for page in pages}
    bare_script = lua_for(Page("bare", "/"), folder)
    rounds: dict[str, list] = {"bare": [], **{page.name: [] for page in pages}}
    for number in range(1, options.rounds + 1):
        print(f"Round {number} of {options.rounds}")
        rounds["bare"].append(
            run_wrk(wrk, bare.base + "/", bare_script, options, None, options.duration)
        )
        drain(bare.base, "/")
        for page in pages:
            staff_cookie = cookie if page.staff else None
            url = app.base + page.path
            result = run_wrk(
                wrk, url, scripts[page.name], options, staff_cookie, durations[page.name]
            )
            rounds[page.name].append(result)
            drain(app.base, "/api/v1/routing")
            print(
                f"  {page.name:42} {result.rps:9.1f} req/s  p50 {result.p50_us / 1000:7.1f} ms"
                f"  (bare {rounds['bare'][-1].rps:,.0f})"
            )
    return rounds


def summarise(pages: list[Page], rounds: dict[str, list], durations) -> list[dict]:
    bare = rounds["bare"]
    answer = [
        {
            "page": "bare Flask endpoint",
            "path": "/",
            "rps": round(statistics.median(m.rps for m in bare), 1),
            "p50_ms": round(statistics.median(m.p50_us for m in bare) / 1000, 2),
            "p99_ms": round(statistics.median(m.p99_us for m in bare) / 1000, 2),
            "ratio": 1.0,
            "failed": sum(m.not_2xx + m.socket_errors for m in bare),
            "rounds": [asdict(m) for m in bare],
        }
    ]
    for page in pages:
        results = rounds[page.name]
        answer.append(
            {
                "page": page.name,
                "path": page.path,
                "seconds_per_round": durations[page.name],
                "rps": round(statistics.median(m.rps for m in results), 1),
                "p50_ms": round(statistics.median(m.p50_us for m in results) / 1000, 2),
                "p99_ms": round(statistics.median(m.p99_us for m in results) / 1000, 2),
                "ratio": round(
                    statistics.median(m.rps / b.rps for m, b in zip(results, bare, strict=True)),
                    3,
                ),
                # A round in which not one answer came back counts as failed too.
                "failed": sum(m.not_2xx + m.socket_errors + (not m.requests) for m in results),
                "rounds": [asdict(m) for m in results],
            }
        )
    return answer


def _commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


# --- tables -----------------------------------------------------------------------------------


def label(run: dict) -> str:
    database = "SQLite" if run["database"] == "sqlite" else "PostgreSQL"
    workers = f"{run['workers']} worker{'' if run['workers'] == 1 else 's'}"
    return f"{database}, {run['enquiries']:,} enquiries, {workers}"


def table(run: dict) -> str:
    lines = [
        f"{label(run)} ({run['releases']:,} releases; wrk {run['wrk']}, {run['rounds']} "
        f"rounds; seeded at {run['seed_rows_per_second']:,} rows/s)",
        "",
        "| page | req/s | p50 ms | p99 ms | x bare | not 2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in run["pages"]:
        lines.append(
            f"| {row['page']} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['ratio']:.3g} | {row['failed']} |"
        )
    return "\n".join(lines)


def combined_table(runs: list[dict]) -> str:
    """One row per page: SQLite and PostgreSQL at the most enquiries, and the growth, database
    and worker ratios where the runs needed for them are given."""

    def find(database, enquiries=None, workers=None):
        chosen = [
            r
            for r in runs
            if r["database"] == database
            and (enquiries is None or r["enquiries"] == enquiries)
            and (workers is None or r["workers"] == workers)
        ]
        return max(chosen, key=lambda r: (r["enquiries"], r["workers"]), default=None)

    def rows(run):
        return {row["page"]: row for row in run["pages"]} if run else {}

    sqlite_big = find("sqlite")
    most = sqlite_big["enquiries"] if sqlite_big else None
    postgres_big = find("postgresql", most, 2) or find("postgresql")
    sqlite_small = min(
        (r for r in runs if r["database"] == "sqlite" and r["enquiries"] < (most or 0)),
        key=lambda r: r["enquiries"],
        default=None,
    )
    postgres_one = find("postgresql", postgres_big["enquiries"], 1) if postgres_big else None
    s, p, small, one = rows(sqlite_big), rows(postgres_big), rows(sqlite_small), rows(postgres_one)
    head = ["page"]
    if s:
        head += ["SQLite req/s", "p50/p99 ms", "x bare"]
    if p:
        head += ["PostgreSQL req/s", "p50/p99 ms", "x bare"]
    ratios = []
    if s and small:
        size = f"{sqlite_big['enquiries'] // 1000}k / {sqlite_small['enquiries'] // 1000}k"
        ratios.append((f"{size} (SQLite)", s, small, "ratio"))
    if s and p:
        ratios.append(("PostgreSQL / SQLite", p, s, "ratio"))
    if p and one:
        # Against the bare endpoint, the bare figure itself changes with the workers: raw.
        ratios.append(("PostgreSQL 2 / 1 workers (req/s)", p, one, "rps"))
    head += [title for title, _, _, _ in ratios]
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    names = [row["page"] for row in (sqlite_big or postgres_big)["pages"]]
    for name in names:
        cells = [name]
        for run in (s, p):
            if run:
                row = run.get(name)
                cells += (
                    [
                        f"{row['rps']:,.0f}",
                        f"{row['p50_ms']:.0f} / {row['p99_ms']:.0f}",
                        f"{row['ratio']:.2f}",
                    ]
                    if row
                    else ["", "", ""]
                )
        for _, mine, other, key in ratios:
            a, b = mine.get(name), other.get(name)
            # Each run's own bare figure takes out how busy the machine was during it.
            cells.append(f"{a[key] / b[key]:.2f}" if a and b and b[key] else "")
        lines.append("| " + " | ".join(cells) + " |")
    notes = [label(r) + f": {r['seed_rows_per_second']:,} rows/s seeded" for r in runs]
    return (
        "\n".join(lines)
        + "\n\nThe size and database columns compare the runs' ratios to bare, not raw req/s, so"
        " a busier machine during one run does not count as a change. Runs: "
        + "; ".join(notes)
        + "."
    )


# --- the command ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.web", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to benchmark on, e.g. postgresql+psycopg://postgres@127.0.0.1"
        ":5432/test: a scratch database is created beside the one named and dropped afterwards "
        "(default: a temporary SQLite file)",
    )
    parser.add_argument("--enquiries", type=int, default=None, help="default 200000")
    parser.add_argument("--releases", type=int, default=None, help="default 2000")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=None, help="default 5")
    parser.add_argument("--duration", type=int, default=None, help="seconds per page, default 3")
    parser.add_argument(
        "--max-duration",
        type=int,
        default=10,
        help="seconds per page at most: a slow page is given longer than --duration, up to this",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pages", nargs="*", help="only the pages whose names contain these words")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 enquiries, 2 short rounds"
    )
    parser.add_argument("--output", type=Path, help="where to write the JSON")
    parser.add_argument("--table", nargs="+", type=Path, help="print one table from JSON runs")
    options = parser.parse_args(argv)

    if options.table:
        runs = [json.loads(path.read_text()) for path in options.table]
        print(combined_table(runs))
        return 0

    quick = options.quick
    options.enquiries = options.enquiries or (2000 if quick else 200_000)
    options.releases = options.releases or (200 if quick else 2000)
    options.rounds = options.rounds or (2 if quick else 5)
    options.duration = options.duration or (2 if quick else 3)

    run = measure(options)
    print()
    print(table(run))
    output = options.output or RESULTS / (
        f"web-{run['database']}-{run['enquiries']}-w{run['workers']}"
        f"{'-quick' if quick else ''}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(run, indent=2) + "\n")
    print(f"\nWrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    failed = [row["page"] for row in run["pages"] if row["failed"]]
    if failed or run["server_errors"]:
        print(
            f"Answers that were not 2xx: {', '.join(failed) or 'none'}; "
            f"server errors logged: {run['server_errors']}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
