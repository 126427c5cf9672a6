"""The archive of every page quoted: raw bytes and their main text, content-addressed, outside the repository.

`python -m incidents archive URL` fetches a page with urllib3 (http(s) only, connect and read timeouts, a deadline
for the whole fetch, a size limit read as it streams, redirects followed one by one, each checked, at most
`MAX_REDIRECTS`); `archive FILE` takes a page saved by hand. Either way the raw bytes are stored under their SHA-256
and the page's main text, extracted by trafilatura (plain text is kept as is), beside them:

    <archive>/raw/ab/ab12…          the bytes as fetched or saved
    <archive>/text/ab/ab12….txt     the main text, what `check-quotes` reads
    <archive>/meta/ab/ab12….json    where and when it came from, and the text's own SHA-256

The archive directory is `INCIDENTS_ARCHIVE_DIR`, else `$XDG_DATA_HOME/incidents-monitor/archive` (by default
`~/.local/share/…`): page text is never committed; a source records only `archive: sha256:…`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from incidents.curate.scaffold import write_atomic
from incidents.text import is_http_url

PREFIX = "sha256:"
MAX_BYTES = 20 * 2**20  # a news page with its markup is well under this; a larger body is refused as it streams
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0  # seconds
READ_TIMEOUT = 20.0  # seconds between bytes
DEADLINE = 60.0  # seconds for the whole fetch, redirects included
USER_AGENT = "incidents-monitor-archive/1 (curators' page archive)"
_CHUNK = 64 * 2**10
TEXT_TYPES = ("text/plain",)


class ArchiveError(ValueError):
    """A page that cannot be archived: not http(s), too large, too many redirects, too slow, not there."""


@dataclass(frozen=True)
class Fetched:
    """A page's bytes, the address they came from at the end of the redirects, and its content type."""

    raw: bytes
    url: str
    content_type: str


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    deadline: float = DEADLINE,
) -> Fetched:
    """GET a page, following at most `max_redirects` redirects (each to an http(s) address), reading at most
    `max_bytes`, within the timeouts and the deadline; `ArchiveError` otherwise."""
    import urllib3  # here: only `archive URL` needs the network

    started = time.monotonic()
    pool = urllib3.PoolManager(retries=False, headers={"User-Agent": USER_AGENT})
    current = url
    try:
        for _hop in range(max_redirects + 1):
            if not is_http_url(current):
                raise ArchiveError(f"only http(s) addresses are fetched, not {current[:80]!r}")
            left = deadline - (time.monotonic() - started)
            if left <= 0:
                raise ArchiveError(f"gave up after {deadline:g} s")
            timeout = urllib3.Timeout(connect=min(connect_timeout, left), read=min(read_timeout, left))
            response = pool.request("GET", current, preload_content=False, redirect=False, timeout=timeout)
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise ArchiveError(f"{current}: redirect {response.status} without a Location")
                    current = urljoin(current, location)
                    continue
                if response.status != 200:
                    raise ArchiveError(f"{current}: HTTP {response.status}")
                raw = _read(response, max_bytes, started, deadline)
                content_type = response.headers.get("Content-Type", "")
                return Fetched(raw, current, content_type)
            finally:
                response.release_conn()
        raise ArchiveError(f"more than {max_redirects} redirects (last to {current[:120]})")
    except urllib3.exceptions.TimeoutError as exc:
        raise ArchiveError(f"{current}: timed out ({exc.__class__.__name__})") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise ArchiveError(f"{current}: {exc.__class__.__name__}: {exc}") from exc
    finally:
        pool.clear()


def _read(response: object, max_bytes: int, started: float, deadline: float) -> bytes:
    """The body, refused as soon as it passes `max_bytes` (a declared length past it is refused before reading)."""
    headers = getattr(response, "headers", {})
    declared = headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ArchiveError(f"the page is larger than {max_bytes} bytes ({declared} declared)")
    body = bytearray()
    for chunk in response.stream(_CHUNK):  # type: ignore[attr-defined]  # an urllib3 response, typed loosely here
        body += chunk
        if len(body) > max_bytes:
            raise ArchiveError(f"the page is larger than {max_bytes} bytes")
        if time.monotonic() - started > deadline:
            raise ArchiveError(f"gave up after {deadline:g} s")
    return bytes(body)


def _decode(raw: bytes, content_type: str) -> str:
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        name, _eq, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"'")
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def is_plain_text(raw: bytes, content_type: str, name: str = "") -> bool:
    """A page kept as plain text (a `.txt` file, `text/plain`), not HTML."""
    if content_type.split(";")[0].strip().lower() in TEXT_TYPES or name.lower().endswith(".txt"):
        return True
    head = raw[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()  # a UTF-8 byte-order mark says nothing
    return not content_type and not name.lower().endswith((".htm", ".html")) and not head.startswith(b"<")


def extract_text(raw: bytes, content_type: str = "", name: str = "") -> str:
    """The page's main text: trafilatura's extraction of an HTML page (with the page's full visible text as a
    fallback when it finds no main text), or a plain-text page as it is."""
    text = _decode(raw, content_type)
    if is_plain_text(raw, content_type, name):
        return text
    import trafilatura  # here: the rest of the package does not need lxml

    extracted = trafilatura.extract(text, include_comments=False, include_tables=True, favor_recall=True)
    return extracted if extracted else visible_text(text)


def visible_text(html: str) -> str:
    """All of an HTML page's visible text (scripts and styles left out), for quotes the main text does not hold
    (a caption, a standfirst)."""
    import lxml.html  # type: ignore[import-untyped]  # lxml ships no stubs

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return " ".join(tree.text_content().split())


@dataclass(frozen=True)
class Archived:
    """A page in the archive: its hash and where its bytes and text are."""

    sha256: str
    raw_path: Path
    text_path: Path
    text_chars: int

    @property
    def ref(self) -> str:
        """`sha256:…`, as a source's `archive` records it."""
        return PREFIX + self.sha256


def _paths(root: Path, digest: str) -> tuple[Path, Path, Path]:
    return (
        root / "raw" / digest[:2] / digest,
        root / "text" / digest[:2] / f"{digest}.txt",
        root / "meta" / digest[:2] / f"{digest}.json",
    )


def store(root: Path, raw: bytes, *, content_type: str = "", url: str | None = None, name: str = "") -> Archived:
    """Keep raw bytes and their main text under the bytes' SHA-256 (again the same when already there)."""
    digest = hashlib.sha256(raw).hexdigest()
    raw_path, text_path, meta_path = _paths(root, digest)
    text = extract_text(raw, content_type, name)
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    if not raw_path.is_file() or hashlib.sha256(raw_path.read_bytes()).hexdigest() != digest:
        handle = raw_path.with_name(f".{digest}.tmp")
        handle.write_bytes(raw)
        os.replace(handle, raw_path)
    write_atomic(text_path, text)
    meta = {
        "sha256": digest,
        "url": url,
        "file": name or None,
        "content_type": content_type or None,
        "archived": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "extractor": "plain" if is_plain_text(raw, content_type, name) else "trafilatura",
    }
    write_atomic(meta_path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return Archived(digest, raw_path, text_path, len(text))


def text_for(root: Path, ref: str, limit: int = MAX_BYTES) -> str | None:
    """The archived main text of `sha256:…`, or None when this machine's archive does not hold it."""
    if not ref.startswith(PREFIX):
        return None
    digest = ref.removeprefix(PREFIX)
    _raw, text_path, _meta = _paths(root, digest)
    if not text_path.is_file() or text_path.stat().st_size > limit:
        return None
    return text_path.read_text(encoding="utf-8")


def raw_text_for(root: Path, ref: str, limit: int = MAX_BYTES) -> str | None:
    """The archived page's full visible text (for a quote outside its main text), or None."""
    digest = ref.removeprefix(PREFIX)
    raw_path, _text, meta_path = _paths(root, digest)
    if not raw_path.is_file() or raw_path.stat().st_size > limit:
        return None
    raw = raw_path.read_bytes()
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    content_type = meta.get("content_type") or ""
    name = meta.get("file") or ""
    text = _decode(raw, content_type)
    return text if is_plain_text(raw, content_type, name) else visible_text(text)


@dataclass(frozen=True)
class Verified:
    """One archived page re-hashed: the problem found, if any."""

    sha256: str
    problem: str | None


def verify(root: Path) -> Iterator[Verified]:
    """Every page in the archive re-hashed: the bytes against their name, the text against its recorded hash."""
    raw_root = root / "raw"
    for raw_path in sorted(raw_root.glob("*/*")) if raw_root.is_dir() else []:
        digest = raw_path.name
        if digest.startswith("."):
            continue
        _raw, text_path, meta_path = _paths(root, digest)
        actual = hashlib.sha256(raw_path.read_bytes()).hexdigest()
        if actual != digest:
            yield Verified(digest, f"the bytes hash to {actual}, not to their name")
            continue
        if not text_path.is_file():
            yield Verified(digest, "its text is missing (archive the page again)")
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        text_hash = hashlib.sha256(text_path.read_bytes()).hexdigest()
        if meta.get("text_sha256") not in (None, text_hash):
            yield Verified(digest, f"its text hashes to {text_hash}, not to the recorded {meta['text_sha256']}")
            continue
        yield Verified(digest, None)

