"""Whether a file changed since it was last read, from its status alone, as git's index tells.

A load at 1,000 incidents read and hashed 41 MB of record files every time (about 0.15 s of every edit) to learn
that one had changed. A file whose status (device, inode, size, modification and change times) is the one it had
when it was last read is taken as unchanged, and what was worked out from its bytes is used again.

The change time cannot be set by a program (`touch -d` sets the modification time only, and changes the change
time), so a file written again with the same size and its old modification time put back still reads as changed.
What the status cannot tell is a write within the timestamp's resolution of the last read: git calls such a file
"racily clean". So a file is only remembered once its times lie `SETTLED_S` before the moment it was read; a file
written just before a load is read again at the next load.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Generic, TypeVar

Value = TypeVar("Value")

# Times this close to the read are not trusted: coarse file-system clocks (a few ms on ext4, 2 s on FAT) and a
# write in the same tick as the read leave them equal.
SETTLED_S = 2.0
# At most this many files are remembered (the record files' bound is far below it): older entries are dropped.
MAX_ENTRIES = 100_000

Status = tuple[int, int, int, int, int]


def file_status(path: str) -> Status | None:
    """The status that changes whenever the file's bytes do: device, inode, size, modification and change times
    (ns). None when the file cannot be looked at; a symlink's own status, never its target's."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


@dataclass(frozen=True)
class _Seen(Generic[Value]):
    status: Status
    value: Value


class StatusMemo(Generic[Value]):
    """What was worked out from each file's bytes, kept with the status the file had just before they were read."""

    def __init__(self, settled_s: float | None = None, max_entries: int = MAX_ENTRIES) -> None:
        self.settled_ns = int((SETTLED_S if settled_s is None else settled_s) * 1e9)
        self.max_entries = max_entries
        self._seen: dict[str, _Seen[Value]] = {}

    def get(self, path: str, status: Status | None) -> Value | None:
        """The value kept for `path` when its status is still `status`; None otherwise."""
        seen = self._seen.get(path)
        if seen is None or status is None or seen.status != status:
            return None
        return seen.value

    def put(self, path: str, status: Status | None, value: Value, read_at_ns: int | None = None) -> None:
        """Keep `value` for `path`, worked out from bytes read at `read_at_ns` (now when not given) while the file
        had `status` (taken before reading). A status too close to the read is not kept: see the module's note."""
        read_at_ns = time.time_ns() if read_at_ns is None else read_at_ns
        if status is None or max(status[3], status[4]) > read_at_ns - self.settled_ns:
            self._seen.pop(path, None)
            return
        self._seen.pop(path, None)  # re-inserted last: the oldest entries are dropped first
        self._seen[path] = _Seen(status, value)
        while len(self._seen) > self.max_entries:
            del self._seen[next(iter(self._seen))]

    def forget(self, path: str) -> None:
        self._seen.pop(path, None)

    def retain(self, paths: set[str]) -> None:
        """Forget every file but `paths` (those gone or no longer listed)."""
        for path in self._seen.keys() - paths:
            del self._seen[path]

    def __len__(self) -> int:
        return len(self._seen)
