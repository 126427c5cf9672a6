"""Where the disk caches live, and why an entry found there can be believed.

A cache entry is data another process wrote; one planted in a repository (committed under `.cache/`) would be served
as if this machine had computed it. So:

- the caches live outside the work tree by default: `$XDG_CACHE_HOME/incidents-monitor/` (else
  `~/.cache/incidents-monitor/`), one folder per cache;
- a cache folder that git tracks (any file in it committed) is refused, and the cache is then off for the process;
- every entry is signed with an HMAC under a key of this machine (`key`, 32 random bytes, created 0600 in the
  cache folder, never in git): an entry written elsewhere, or edited, does not verify and is a miss.

The entry's own key already names the code that wrote it (`filecache.CODE_VERSION`), so a signed entry is tied to
both the code and the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

APP_DIR = "incidents-monitor"
KEY_FILE = "key"
KEY_BYTES = 32
_DIGEST = 64  # hex characters of a sha256 HMAC
STALE_TMP_S = 3600  # a temporary file this old is a write that never finished


def cache_home() -> Path:
    """`$XDG_CACHE_HOME/incidents-monitor`, else `~/.cache/incidents-monitor` (the XDG base directory rule)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / APP_DIR


@lru_cache(maxsize=32)
def tracked_by_git(folder: Path) -> bool:
    """Whether git tracks any file in `folder` (or the folder is a tracked file's path); False outside a work tree."""
    probe = folder
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    try:
        done = subprocess.run(
            ["git", "-C", str(probe), "ls-files", "-z", "--", str(folder.resolve())],
            capture_output=True, timeout=20, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False  # no git here: nothing can be tracked
    return done.returncode == 0 and bool(done.stdout.strip(b"\0"))


def machine_key(folder: Path) -> bytes | None:
    """The folder's signing key, created on first use (0600, never overwritten); None when it cannot be had."""
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(handle, "rb") as key_file:
            info = os.fstat(key_file.fileno())
            key = key_file.read(KEY_BYTES + 1)
    except OSError:
        return None
    # Only a key this user alone can read is a secret: a key others can read (or a planted one) is refused.
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid() or len(key) != KEY_BYTES:
        return None
    return key


def sign(key: bytes, body: bytes) -> bytes:
    """The entry as stored: its HMAC (hex), a newline, its body."""
    return _signature_line(key, [body]) + body


def _signature_line(key: bytes, parts: Sequence[bytes]) -> bytes:
    """The line an entry starts with: the HMAC (hex) of its body, given in parts that are never joined, and a
    newline."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.hexdigest().encode() + b"\n"


def verified(key: bytes, stored: bytes) -> bytes | None:
    """The body of a stored entry whose HMAC matches; None for an entry this machine did not write."""
    mac, sep, body = stored.partition(b"\n")
    if not sep or len(mac) != _DIGEST:
        return None
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    return body if hmac.compare_digest(mac, expected) else None


@lru_cache(maxsize=32)
def usable(folder: Path) -> bytes | None:
    """The key to sign and check `folder`'s entries with, or None when the folder must not be used as a cache: git
    tracks it, or its key cannot be made private."""
    if tracked_by_git(folder):
        return None
    return machine_key(folder)


def read_entry(folder: Path | None, name: str, max_bytes: int) -> bytes | None:
    """The body of `folder/name` when this machine signed it; None when the cache is off or unusable, the file
    is missing or larger than `max_bytes` (plus its signature), or its signature does not verify."""
    secret = usable(folder) if folder is not None else None
    if folder is None or secret is None:
        return None
    path = folder / name
    try:
        if path.stat().st_size > max_bytes + _DIGEST + 1:
            return None
        return verified(secret, path.read_bytes())
    except OSError:
        return None


_WRITING = threading.Lock()  # one writer at a time: a background writer and a load never interleave their files


def write_entry(folder: Path | None, name: str, body: Callable[[], bytes | Sequence[bytes]], max_bytes: int,
                kept: int) -> bool:
    """Sign `body()` and write it to `folder/name` atomically (a temporary file renamed over it), then drop all but
    the newest `kept` files with the same suffix, and temporary files older than `STALE_TMP_S` (a process that
    ended while it wrote leaves one). False when the cache is off or unusable, the body is larger than
    `max_bytes`, or the folder cannot be written.

    The body may come in parts, stored one after another: they are signed and written in turn, never joined (a
    snapshot's 80 MB would otherwise be copied twice more)."""
    secret = usable(folder) if folder is not None else None
    if folder is None or secret is None:
        return False
    with _WRITING:
        made = body()
        parts = [made] if isinstance(made, bytes) else made
        if sum(len(part) for part in parts) > max_bytes:
            return False
        line = _signature_line(secret, parts)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as handle:
                handle.write(line)
                handle.writelines(parts)
            os.replace(handle.name, folder / name)
            stored = sorted(folder.glob(f"*{Path(name).suffix}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in stored[kept:]:
                old.unlink(missing_ok=True)
            cutoff = time.time() - STALE_TMP_S
            for left in folder.glob("*.tmp"):
                if left.stat().st_mtime < cutoff:
                    left.unlink(missing_ok=True)
        except OSError:
            return False
    return True
