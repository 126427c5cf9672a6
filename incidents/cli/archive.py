"""`archive URL|FILE [--source ID]` and `archive verify`: the archive of every page quoted, outside the repository."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path

from incidents.cli.common import data_dir
from incidents.curate.archive import (
    MAX_BYTES,
    MAX_REDIRECTS,
    PREFIX,
    READ_TIMEOUT,
    ArchiveError,
    fetch,
    store,
    verify,
)
from incidents.curate.records_index import RawRecord, index_records
from incidents.curate.scaffold import ScaffoldError, data_location, write_atomic
from incidents.curate.yamledit import EditError, set_field
from incidents.load.copies import ARCHIVE_ENV, archive_dir
from incidents.load.parse import display_path
from incidents.text import is_http_url


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `archive`."""
    sub = commands.add_parser(
        "archive",
        help="archive a page (URL or saved FILE) by its SHA-256 outside the repository; `archive verify` re-hashes "
        "the archive",
        description=(
            "Fetch URL (http(s) only; timeouts, a size limit and at most a few redirects) or read a saved FILE, and "
            "keep its raw bytes and main text (extracted with trafilatura) under their SHA-256 in the archive "
            f"directory ({ARCHIVE_ENV}, else $XDG_DATA_HOME/incidents-monitor/archive), printing sha256:…. "
            "With --source, the source records `archive: sha256:…` and `retrieved` (today for a URL; kept, or "
            "today when it has none, for a file). `archive verify` re-hashes every archived page. Nothing of the "
            "archive is kept in the repository: only the hash."
        ),
    )
    sub.add_argument("target", help="an http(s) URL, a saved page's file, or `verify`")
    sub.add_argument("--source", help="the source the page is: record its archive hash and retrieval date")
    sub.add_argument("--data-dir", type=Path, default=data_dir(), help="the data directory (default: data)")
    sub.add_argument("--archive-dir", type=Path, default=None, help=f"the archive (default: {ARCHIVE_ENV} or XDG)")
    sub.add_argument("--max-bytes", type=int, default=MAX_BYTES, help=f"largest page fetched (default {MAX_BYTES})")
    sub.add_argument("--timeout", type=float, default=READ_TIMEOUT, help="seconds to wait for bytes")
    sub.add_argument("--max-redirects", type=int, default=MAX_REDIRECTS, help="redirects followed at most")
    sub.set_defaults(run=_archive)


def _source(data: Path, source_id: str) -> RawRecord:
    index = index_records(data)
    found = index.of("sources").get(source_id)
    if found is None:
        raise ScaffoldError(data_location(index), f"--source: unknown source {source_id!r}")
    problems = index.problems.get(found.file_path)
    if problems:
        first = problems[0]
        raise ScaffoldError(f"{first.path}:{first.line}:{first.col}", f"the file cannot be parsed: {first.message}")
    return found


def _recorded(source: RawRecord, ref: str, fetched: bool) -> tuple[str, int]:
    """The sources file's text with `archive` and `retrieved` set on the source, and the line of `archive`."""
    text = source.file_path.read_text(encoding="utf-8")
    try:
        if fetched or not isinstance(source.data.get("retrieved"), dt.date):
            text = set_field(text, source.loc, "retrieved", dt.date.today()).text
        edited = set_field(text, source.loc, "archive", ref)
    except EditError as exc:
        raise ScaffoldError(f"{display_path(source.file_path)}:{exc.line}:{exc.col}", exc.reason) from exc
    return edited.text, edited.line


def _archive(args: argparse.Namespace) -> int:
    root = args.archive_dir or archive_dir()
    if args.target == "verify":
        return _verify(root)
    try:
        source = _source(args.data_dir, args.source) if args.source else None
        if "://" in args.target:
            if not is_http_url(args.target):
                raise ArchiveError(f"only http(s) addresses are fetched, not {args.target[:80]!r}")
            page = fetch(args.target, max_bytes=args.max_bytes, read_timeout=args.timeout,
                         max_redirects=args.max_redirects)
            raw, content_type, url, name, fetched = page.raw, page.content_type, page.url, "", True
        else:
            path = Path(args.target)
            if not path.is_file() or path.stat().st_size > args.max_bytes:
                raise ArchiveError(f"{args.target}: not a readable file of at most {args.max_bytes} bytes")
            raw, content_type, url, name, fetched = path.read_bytes(), "", None, path.name, False
        ref = PREFIX + hashlib.sha256(raw).hexdigest()
        edit = _recorded(source, ref, fetched) if source is not None else None  # refused before anything is kept
        archived = store(root, raw, content_type=content_type, url=url, name=name)
        if source is not None and edit is not None:
            write_atomic(source.file_path, edit[0])
    except ScaffoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    except (ArchiveError, OSError) as exc:
        print(f"{args.target[:200]}:1:1: ARCHIVE {exc}", file=sys.stderr)
        return 1
    print(f"{archived.ref}  {len(raw)} bytes, {archived.text_chars} characters of text  {archived.text_path}")
    if source is not None and edit is not None:
        print(f"source  {source.id}  {display_path(source.file_path)}:{edit[1]}")
    return 0


def _verify(root: Path) -> int:
    checked = failed = 0
    for result in verify(root):
        checked += 1
        if result.problem:
            failed += 1
            print(f"{root / 'raw' / result.sha256[:2] / result.sha256}:1:1: ARCHIVE {result.problem}")
    print(f"{checked} page(s) re-hashed in {root}, {failed} problem(s)", file=sys.stderr)
    return 1 if failed else 0
