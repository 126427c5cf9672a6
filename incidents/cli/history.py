"""Commands over the data's git history: versions (every data version) and diff (what changed between two)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from incidents.cli.common import data_dir
from incidents.history.changes import diff, to_markdown
from incidents.history.feed import PUBLIC_URL_ENV, feed_of, public_url, write_atomic
from incidents.history.versions import NoHistory, find_repo, history, load_version
from incidents.load.review import for_mode, published_only_from
from incidents.model import codes


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add versions and diff."""
    versions = commands.add_parser(
        "versions", help="list every data version in the git history, newest first; exit 1 without a history"
    )
    versions.add_argument("--format", choices=["text", "json"], default="text")
    versions.add_argument("--data-dir", type=Path, default=data_dir())
    versions.set_defaults(run=_versions)
    changes = commands.add_parser(
        "diff", help="what changed between two data versions: records, figures, discrepancies, propositions"
    )
    changes.add_argument("old", help="the older version id (8 hex digits, from `versions`)")
    changes.add_argument("new", help="the newer version id")
    changes.add_argument("--format", choices=["json", "md"], default="md")
    changes.add_argument("--data-dir", type=Path, default=data_dir())
    changes.set_defaults(run=_diff)
    feed = commands.add_parser("feed", help="write the Atom feed of the data's changes (the app also writes it)")
    feed.add_argument("--out", type=Path, default=Path("static") / "changes.atom", help="default: static/changes.atom")
    feed.add_argument("--url", default=public_url(), help=f"the public address (default: ${PUBLIC_URL_ENV})")
    feed.add_argument("--data-dir", type=Path, default=data_dir())
    feed.set_defaults(run=_feed)


def _no_history(args: argparse.Namespace, error: NoHistory) -> int:
    print(codes.NO_HISTORY.at(str(args.data_dir), 1, 1, reason=str(error)), file=sys.stderr)
    return 1


def _versions(args: argparse.Namespace) -> int:
    skipped: list[str] = []
    try:
        found = history(find_repo(args.data_dir), skipped)
    except NoHistory as error:
        return _no_history(args, error)
    for reason in skipped:
        print(codes.VERSION_SKIPPED.at(str(args.data_dir), 1, 1, reason=reason), file=sys.stderr)
    if args.format == "json":
        print(json.dumps({"versions": [v.to_json() for v in found]}, indent=2, ensure_ascii=False))
        return 0
    for item in found:
        counts = ", ".join(f"{n} {name}" for name, n in item.counts.items())
        print(f"{item.version}  {item.commit[:12]}  {item.date}  {item.message}  ({counts})")
    return 0


def _diff(args: argparse.Namespace) -> int:
    try:
        repo = find_repo(args.data_dir)
        found = {item.version: item for item in reversed(history(repo))}  # the newest commit of a version wins
    except NoHistory as error:
        return _no_history(args, error)
    unknown = [name for name in (args.old, args.new) if name not in found]
    if unknown:
        for name in unknown:
            print(codes.UNKNOWN_VERSION.at(str(args.data_dir), 1, 1, version=name), file=sys.stderr)
        return 1
    published = published_only_from(os.environ)  # the hosted rule, as the changes page and the feed apply it
    change = diff(*(for_mode(load_version(repo, found[name]), published) for name in (args.old, args.new)))
    print(json.dumps(change.to_json(), indent=2, ensure_ascii=False) if args.format == "json" else to_markdown(change),
          end="\n" if args.format == "json" else "")
    return 0


def _feed(args: argparse.Namespace) -> int:
    try:
        content = feed_of(find_repo(args.data_dir), args.url.rstrip("/"), published_only_from(os.environ))
    except NoHistory as error:
        return _no_history(args, error)
    write_atomic(args.out, content)
    print(f"{args.out}: {content.count(b'<entry>')} entries", file=sys.stderr)
    return 0
