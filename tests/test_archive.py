"""issue 24: the archive of every page quoted (`python -m incidents archive`), against pages served by a tiny
http.server on 127.0.0.1 in this test (loopback only, every response bounded), and check-quotes reading it."""

from __future__ import annotations

import hashlib
import html
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from incidents.curate.archive import ArchiveError, extract_text, fetch
from incidents.load.copies import archive_dir
from incidents.load.pipeline import load_dataset
from tests.cli_helpers import run, shipped_copy
from tests.conftest import DATA

QUOTE = "Two drones crossed the border at dawn"
PAGE = (
    "<html><head><title>Example News</title><script>var x = 'not text';</script></head><body>"
    "<nav>Home | World | Sport</nav><article><h1>Ministry: two drones crossed</h1>"
    f"<p>The ministry said on Friday: “{QUOTE}.” It gave no other detail about the aircraft or their route.</p>"
    "<p>Officials said an investigation had begun, and that further statements would follow in the coming days.</p>"
    "</article><footer>© Example News</footer></body></html>"
).encode()
BIG = 300_000  # bytes the oversized page sends; the tests' limit is 100,000
SLOW = 3.0  # seconds the slow page waits before its body; the tests' timeout is 0.5


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        try:
            self._page()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (the size limit, the timeout)

    def _page(self) -> None:
        if self.path == "/page":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/redirect":
            self._redirect("/page")
        elif self.path.startswith("/hop/"):
            self._redirect(f"/hop/{int(self.path.rsplit('/', 1)[1]) + 1}")  # a loop that never ends
        elif self.path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/page")
        elif self.path == "/big":
            self.send_response(200)  # no Content-Length: the limit must hold as the body streams
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(BIG // 10_000):
                self.wfile.write(b"x" * 10_000)
        elif self.path == "/declared-big":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * BIG))
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(SLOW)
            self._send(200, PAGE, "text/html")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A clean clone's data: a copy of the shipped data in `<tmp>/repo/data` (no stored copies beside it)."""
    return shipped_copy(tmp_path)




def test_the_archive_lives_outside_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert archive_dir({"INCIDENTS_ARCHIVE_DIR": "/x/a"}) == Path("/x/a")
    assert archive_dir({"XDG_DATA_HOME": "/x/share", "HOME": "/h"}) == Path("/x/share/incidents-monitor/archive")
    assert archive_dir({"HOME": "/h"}) == Path("/h/.local/share/incidents-monitor/archive")


def test_archive_url_stores_bytes_and_text_and_records_the_hash(
    capsys: pytest.CaptureFixture[str], server: str, data_dir: Path
) -> None:
    sources = data_dir / "sources.yaml"
    before = sources.read_text(encoding="utf-8")
    files_before = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*"))
    status, out, err = run(capsys, "archive", f"{server}/redirect", "--source", "report-az-012",
                           "--data-dir", str(data_dir))
    assert status == 0, err
    digest = hashlib.sha256(PAGE).hexdigest()
    first, second = out.splitlines()
    assert first.startswith(f"sha256:{digest}  {len(PAGE)} bytes")
    root = archive_dir()
    assert (root / "raw" / digest[:2] / digest).read_bytes() == PAGE
    text = (root / "text" / digest[:2] / f"{digest}.txt").read_text(encoding="utf-8")
    assert QUOTE in text and "not text" not in text and "Home | World" not in text  # the main text only
    # the source records the hash and today's retrieval, inserted as text; nothing else in the file changes
    after = sources.read_text(encoding="utf-8")
    assert f"archive: sha256:{digest}" in after and after.replace(f"    archive: sha256:{digest}\n", "") != before
    source = load_dataset(data_dir).sources["report-az-012"]
    assert source.archive == f"sha256:{digest}"
    line = int(second.rsplit(":", 1)[1])
    assert after.splitlines()[line - 1].strip() == f"archive: sha256:{digest}"
    # the repository keeps only the hash: no file was added under data/
    assert sorted(p.relative_to(data_dir) for p in data_dir.rglob("*")) == files_before
    assert load_dataset(data_dir).errors == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/hop/0", "more than 2 redirects"),
        ("/big", "larger than 100000 bytes"),
        ("/declared-big", "larger than 100000 bytes"),
        ("/slow", "timed out"),
        ("/to-ftp", "only http(s)"),
        ("/missing", "HTTP 404"),
    ],
)
def test_archive_refuses_what_it_must_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], server: str, data_dir: Path, path: str, message: str
) -> None:
    sources = data_dir / "sources.yaml"
    before = sources.read_bytes()
    started = time.monotonic()
    status, out, err = run(capsys, "archive", f"{server}{path}", "--source", "report-az-012", "--max-bytes",
                           "100000", "--timeout", "0.5", "--max-redirects", "2", "--data-dir", str(data_dir))
    assert time.monotonic() - started < SLOW  # the timeout, not the server, ended it
    assert status == 1 and out == "" and message in err, err
    assert re.match(r"^\S+:1:1: ARCHIVE ", err)
    assert sources.read_bytes() == before
    assert not (archive_dir() / "raw").exists()


def test_fetch_refuses_other_schemes_before_connecting() -> None:
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"):
        with pytest.raises(ArchiveError, match="only http"):
            fetch(url)


def test_archive_refuses_an_unknown_source_before_fetching(
    capsys: pytest.CaptureFixture[str], server: str, data_dir: Path
) -> None:
    status, _out, err = run(capsys, "archive", f"{server}/page", "--source", "nope", "--data-dir", str(data_dir))
    assert status == 1 and "unknown source 'nope'" in err
    assert not (archive_dir() / "raw").exists()


def test_archive_file_and_verify(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes(PAGE)
    status, out, err = run(capsys, "archive", str(saved), "--data-dir", str(data_dir))
    assert status == 0, err
    digest = hashlib.sha256(PAGE).hexdigest()
    assert out.startswith(f"sha256:{digest}")
    assert run(capsys, "archive", "verify")[0] == 0
    raw = archive_dir() / "raw" / digest[:2] / digest
    raw.write_bytes(PAGE + b"tampered")
    status, out, err = run(capsys, "archive", "verify")
    assert status == 1 and f"{digest}:1:1: ARCHIVE the bytes hash to" in out and "1 page(s) re-hashed" in err


def test_plain_text_is_kept_as_it_is() -> None:
    assert extract_text("Bakı, 5 March — “quoted”\n".encode(), name="page.txt") == "Bakı, 5 March — “quoted”\n"
    assert QUOTE in extract_text(PAGE, "text/html")


def _saved_page(quotes: list[str]) -> bytes:
    """A saved page printing these quotes, each in a paragraph of an article."""
    body = "".join(
        f"<p>Officials spoke to reporters on the day. One said: «{html.escape(q)}» and added nothing more.</p>"
        for q in quotes
    )
    page = f"<html><head><title>Saved</title></head><body><article><h1>Report</h1>{body}</article></body></html>"
    return page.encode()


def test_check_quotes_counts_every_unchecked_quote_then_checks_them_from_the_archive(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    dataset = load_dataset(DATA)
    by_source: dict[str, list[str]] = {}
    for statement in dataset.statements.values():
        for quote in statement.quotes:
            by_source.setdefault(quote.source or statement.via[-1], []).append(quote.text)
    total = sum(len(q) for q in by_source.values())
    assert total > 40
    # a clean clone: no archive, no stored copies; every quote is counted as not checked
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(data_dir))
    *lines, last = out.splitlines()
    assert status == 0 and last == f"0 checked, {total} not checked (no copy here)"
    unchecked = {line.split(": ", 1)[0] for line in lines if " QUOTE_NOT_CHECKED (warning) " in line}
    assert len(unchecked) == total
    assert run(capsys, "check-quotes", "--data-dir", str(data_dir), "--strict")[0] == 1
    # the archive filled from saved pages, one per source that prints quotes
    for source_id, quotes in by_source.items():
        saved = tmp_path / "saved" / f"{source_id}.html"
        saved.parent.mkdir(exist_ok=True)
        saved.write_bytes(_saved_page(quotes))
        status, _out, err = run(capsys, "archive", str(saved), "--source", source_id, "--data-dir", str(data_dir))
        assert status == 0, err
    assert load_dataset(data_dir).errors == []
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(data_dir), "--strict")
    *lines, last = out.splitlines()
    assert status == 0 and last == f"{total} checked, 0 not checked (no copy here)", out
    checked = {line.split(": ", 1)[0] for line in lines if ": checked: found in archive sha256:" in line}
    assert checked == unchecked
    # and a quote changed in the record is caught against the archived page
    incident = data_dir / "incidents" / "nakhchivan-2026-03-05.yaml"
    text = incident.read_text(encoding="utf-8")
    incident.write_text(text.replace("groundless act of terror", "baseless act of terror", 1), encoding="utf-8")
    status, out, _err = run(capsys, "check-quotes", "--data-dir", str(data_dir))
    mismatches = [line for line in out.splitlines() if " QUOTE_MISMATCH " in line and "archive sha256:" in line]
    assert status == 1 and len(mismatches) == 1


def test_issue_24_done_when_on_a_copy_of_the_shipped_data(
    capsys: pytest.CaptureFixture[str], server: str, data_dir: Path
) -> None:
    """Every new command in turn on one copy, then `validate` passes (no errors)."""
    incident = "nakhchivan-2026-03-05"
    steps = [
        ["new", "source", f"{server}/page", "--outlet", "Loopback News", "--reliability", "C",
         "--reliability-note", "A test page."],
        ["new", "proposition", "--incident", incident, "--text", "Two drones crossed at dawn", "--against", "irn"],
        ["new", "discrepancy", "--incident", incident, "--title", "Dawn or morning", "--concerns", "aliyev-accusation",
         "--description", "The pages disagree on the hour."],
        ["add", "figure", "aliyev-accusation", "--quantity", "drones-fired", "--value", "2"],
        ["add", "quote", "aliyev-accusation", "--text", QUOTE, "--source", "report-az-017"],
        ["add", "carrier", "aliyev-accusation", "unn-ua-001"],
    ]
    created = []
    for argv in steps:
        status, out, err = run(capsys, *argv, "--data-dir", str(data_dir))
        assert status == 0, (argv, err)
        created.append(out.split()[1])
    status, _out, err = run(capsys, "archive", f"{server}/page", "--source", created[0], "--data-dir", str(data_dir))
    assert status == 0, err
    status, out, err = run(capsys, "validate", str(data_dir))
    assert status == 0 and "0 error(s)" in err, out
    assert all(record_id in out for record_id in created[:3])  # waiting for review
    assert load_dataset(data_dir).sources[created[0]].archive == f"sha256:{hashlib.sha256(PAGE).hexdigest()}"


@pytest.mark.parametrize(
    ("raw", "content_type", "name", "plain"),
    [
        (b"Plain words", "", "page", True),
        ("\ufeffPlain words with a byte-order mark".encode(), "", "page", True),
        ("\ufeff<html><p>x</p></html>".encode(), "", "page", False),
        (b"<p>x</p>", "", "saved.html", False),
        (b"Words", "text/plain; charset=utf-8", "", True),
        (b"Words", "text/html", "", False),
    ],
)
def test_plain_text_or_html(raw: bytes, content_type: str, name: str, plain: bool) -> None:
    from incidents.curate.archive import is_plain_text

    assert is_plain_text(raw, content_type, name) is plain
