"""Loading again without doing again what did not change: a `Loader` per data directory keeps its last load.

A load (`Loader.load`) looks at every record file's status (`filestat`, as git's index does) and reads again only
those whose status changed since their last read, and, for the data version (a hash over every file's bytes in
order), the files after the first changed one; then:

- a file whose bytes, path and code did not change keeps its records (the same `Located` objects);
- the cross-file checks whose answer for a record depends only on it and on what its references resolve to
  (references, dates) are re-run for the records of the changed files and for the records that reference an id
  the change defined, removed or moved (`referrers`, kept up to date), and kept for every other record;
- dependents are walked back from the bad records only; weekday checks are kept per record and year, stored-copy
  hashes per copy and its file status (device, inode, size, times);
- repeated ids, `keep`, the moved records and the warnings that depend on one record alone go a file at a time
  while no id repeats (`FileResult.by_id`, `warn.FileWarningsMemo`); single-source claims are judged again where
  an edit touched (`warn.SingleSourceMemo`);
- the few checks that look at the whole set at once (`parent` cycles, hosted-mode problems, unread files) run
  again: each is one pass of dictionary lookups.

A change of the code's version or of the day re-checks everything. The first load of a process looks for a
snapshot of the last one (`snapshot`: the records, their facts and the per-record results, under a key of the code,
the day and every file's hash); a restart on unchanged data loads that and serves.

The result equals `pipeline.load_dataset` on the same files (tests hold the two to each other).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import incidents.load.snapshot as snapshot
import incidents.load.worker as worker
from incidents.load.assembly import Assembled, actors_of, assemble, keep_assembled, moved_ids, status_of
from incidents.load.copies import stored_copy_problems
from incidents.load.filecache import CODE_VERSION, FILE_CACHE, FileCache, FileResult, compute, entry_key
from incidents.load.filestat import Status, StatusMemo, file_status
from incidents.load.memory import QuietTimer, gc_paused
from incidents.load.parse import MAX_RECORDS, MAX_TOTAL_BYTES, data_files, display_path, read_bounded
from incidents.load.pipeline import add_to_version, dataset_ids, keep, stamp_version
from incidents.load.references import (
    check_cycles,
    check_dates,
    check_references,
    drop_dependents,
    index_key,
    referrers,
)
from incidents.load.review import hosted_problems
from incidents.load.snapshot import Checks, FileUnit
from incidents.load.validate import Located, settle
from incidents.load.warn import FileWarningsMemo, SingleSourceMemo, file_warnings, unread_files, warnings
from incidents.load.weekdays import record_year, weekday_mismatches
from incidents.model import codes
from incidents.model.dataset import Dataset, Problem

__all__ = ["Loader", "loader_for"]


class _Known(NamedTuple):
    """What a record file's bytes gave at its last read: kept by its status (`_read`)."""

    display: str
    kind: str
    key: str  # the entry key
    size: int
    result: FileResult


class _Entry(NamedTuple):
    """One record file of a load."""

    path: Path
    display: str
    kind: str
    raw: bytes | None  # None: unread (`key` is ""), or unchanged since its last read (`kept` is its result)
    key: str
    status: Status | None  # taken before reading
    kept: FileResult | None
    read_at: int  # ns; when this load began reading


class Loader:
    """The loads of one data directory in this process, each building on the last (thread-safe: one at a time)."""

    SNAPSHOT_DELAY_S = 20.0
    EDITS_DELAY_S = 20.0  # after a worker's load, when to make what the first edit needs (`prepare_edits`)

    def __init__(self, data_dir: Path | str, cache: FileCache | None = FILE_CACHE, snapshots: bool = True,
                 worker_min_bytes: int | None = None, prepare_edits: bool = False, for_edits: bool = True,
                 worker_module: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.cache = cache
        self.snapshots = snapshots
        self.worker_min_bytes = worker_min_bytes  # a first load of this many bytes or more runs in a worker process
        self.worker_module = worker_module  # the worker's module, when not `worker.CHILD_MODULE` (`worker.command`)
        self.prepare_edits = prepare_edits  # after a worker's load, make what the first edit needs (`_prepare_later`)
        self.for_edits = for_edits  # whether to keep what only an edit's load reads (`_drop_edit_memos`)
        self._preparing: QuietTimer | None = None
        self.checks: Checks | None = None
        self.from_snapshot = False  # whether the last load was served from a snapshot (benchmarks print it)
        self.from_worker = False  # whether that snapshot was the one a worker process wrote for this load
        self.stored = False  # whether this loader wrote a snapshot in the foreground (the worker's exit status)
        self._listed: list[tuple[Path, str]] = []
        self._known: StatusMemo[_Known] = StatusMemo()  # each record file's key and result, by its status
        self._hashed: tuple[list[str], list[hashlib._Hash]] = ([], [])  # names; the version's state before each
        self._copies: StatusMemo[str] = StatusMemo()  # each stored copy's SHA-256, by its status
        self._assembled: Assembled | None = None  # how the last load's records were put together
        self._warnings = FileWarningsMemo()  # what each file's records give the warnings
        self._stored_key = ""  # the snapshot this loader last read or wrote: an unchanged load writes none
        self.background = True  # write snapshots in a thread (tests write them in the foreground)
        self._timer: QuietTimer | None = None
        self._lock = threading.Lock()

    def load(self, today: dt.date | None = None) -> Dataset:
        """The dataset of the files as they are now; equal to `pipeline.load_dataset(data_dir, today)`."""
        with self._lock, gc_paused(freeze=True):
            return self._load(today or dt.date.today())

    def _load(self, today: dt.date) -> Dataset:
        dataset = Dataset()
        self.from_snapshot = False
        if not self.data_dir.is_dir():
            dataset.problems.append(
                codes.FILE_READ.at(str(self.data_dir), 1, 1, reason="data directory does not exist"))
            self.checks = None
            return dataset
        raws = self._read(dataset)
        key = snapshot.snapshot_key(today, display_path(self.data_dir), [(e.display, e.key) for e in raws if e.key])
        restored = None
        self.from_worker = False
        if self.checks is None and self.snapshots and self.cache is not None:
            restored = snapshot.read(key)
            sizes = (len(entry.raw) for entry in raws if entry.raw is not None)
            if restored is None and worker.worth_it(sizes, self.worker_min_bytes) and worker.prime(
                    self.data_dir, today, self.worker_module):
                restored = snapshot.read(key)  # None when a file changed while the worker read them: load here
                self.from_worker = restored is not None
        checks = restored.checks if restored is not None else self.checks
        if checks is None or checks.today != today or checks.code != CODE_VERSION:
            checks = Checks(today, CODE_VERSION)  # a new day or new code: everything is checked again
        reads = self._results(dataset, raws, checks)
        if restored is not None:
            self._stored_key = key
            self._assembled = assemble([r for r in reads if r is not None and r.parsed], [])
            records = checks.records = self._assembled.records
            checks.failed = set().union(*(r.parsed.failed_ids for r in reads if r is not None and r.parsed))
            keep(dataset, records, restored.bad)
            global_problems = restored.global_problems
            self.from_snapshot = True
            if self.prepare_edits and self.from_worker:
                self._prepare_later(checks, dataset, restored.bad)
        else:
            global_problems = self._check(dataset, reads, checks)
            if not self.for_edits:
                self._drop_edit_memos(checks)
            if self.snapshots and self.cache is not None and key != self._stored_key:
                self._store(key, checks, dataset, global_problems)
                self._stored_key = key
        self.checks = checks
        self._finish(dataset, checks, global_problems)
        return dataset

    def _prepare_later(self, checks: Checks, dataset: Dataset, bad: set[str]) -> None:
        """After a worker's load, what the in-process cold load it stands for would have built for the next edit,
        and a restore does not: the index of who references whom and the warnings' memos. Without them that first
        edit took 1.2 s more at 1,000 incidents (the index 0.6 s, the warnings 0.3 s), past the 1 s an edit may take
        to show. Made in the background, `EDITS_DELAY_S` after the load and once the app is quiet, not on the first
        reader's run. A restart from a snapshot does not make them (about 50 MB at 1,000 incidents): its first edit
        does, as before."""
        if self._preparing is not None:
            self._preparing.cancel()
        self._preparing = QuietTimer(self.EDITS_DELAY_S, self.prepare_for_edits, checks, dataset, bad)

    def prepare_for_edits(self, checks: Checks, dataset: Dataset, bad: set[str]) -> bool:
        """Make what the first edit after the load that gave `checks` needs; False when a load has come since, or
        it is made already."""
        with self._lock, gc_paused():
            assembled = self._assembled
            if self.checks is not checks or checks.referenced_by or assembled is None:
                return False
            checks.referenced_by = referrers(checks.records)
            self._warnings_of(dataset, assembled, bad, checks)  # the restored load's: it fills the memos
            return True

    def _warnings_of(self, dataset: Dataset, assembled: Assembled, bad: set[str], checks: Checks) -> list[Problem]:
        """The warnings of a load: a file at a time through the memos while no id repeats, else record by record."""
        if assembled.whole:
            return file_warnings(dataset, assembled.records, assembled.results, bad, self._warnings,
                                 checks.single_source)
        return warnings(dataset, assembled.records, checks.single_source)

    def _drop_edit_memos(self, checks: Checks) -> None:
        """Drop what only the next edit's load reads (the referrers index, the warnings' memos), leaving the state a
        restore from a snapshot leaves: an edit, should one come, makes them again (about 1 s at 1,000 incidents).
        For a loader that is never edited (a hosted instance): after a check of every record (each new day's) they
        held about 70 MB at 1,000 incidents for nothing (bench/PROFILE.md, sixteenth pass)."""
        checks.referenced_by = {}
        checks.single_source = SingleSourceMemo()
        self._warnings = FileWarningsMemo()

    def _store(self, key: str, checks: Checks, dataset: Dataset, global_problems: list[Problem]) -> None:
        """Write the snapshot in the background, `SNAPSHOT_DELAY_S` after the load and once no run has started for
        `memory.QUIET_S` (encoding 49,000 records takes seconds of the interpreter): the page the load serves, and
        the readers' next runs, are not slowed by it, and a curator's run of edits writes one snapshot, the last.
        `snapshot.write` takes writers one at a time."""
        bad = checks.records.keys() - dataset_ids(dataset)
        units = dict(checks.units)
        frozen = Checks(checks.today, checks.code, units, record_problems=dict(checks.record_problems),
                        base_bad=set(checks.base_bad))
        if not self.background:
            self.stored = snapshot.write(key, frozen, bad, global_problems) or self.stored
            return
        if self._timer is not None:
            self._timer.cancel()  # a newer load came before the last one was written: only the newest is
        # Once the app is quiet, too: the write holds the interpreter about 1.6 s at 1,000 incidents.
        self._timer = QuietTimer(self.SNAPSHOT_DELAY_S, snapshot.write, key, frozen, bad, global_problems)

    def _read(self, dataset: Dataset) -> list[_Entry]:
        """Every record file, in load order: its bytes, bounded as the pipeline bounds them, and its entry key ("" when
        unread); the dataset gets the names, the read problems and the data version.

        A file whose status is the one it had when last read (`filestat`) is not read again: its entry key and
        result are the last load's. Only the data version needs bytes, and it is a hash over every file in order,
        so the hash's state before each file is kept, and a load hashes from the first file that changed (an edit
        of the last incident file reads that file alone; before, 41 MB were read and hashed twice every load)."""
        before_names, before_states = self._hashed
        listed = self._listed = data_files(self.data_dir)
        read_at = time.time_ns()  # before any status is taken: a file written after it is never remembered
        entries: list[_Entry] = []
        names: list[str] = []
        states: list[hashlib._Hash] = []
        digest: hashlib._Hash | None = None  # None while every file so far is the last load's, in its place
        total_bytes = 0
        for index, (path, kind) in enumerate(listed):
            display = display_path(path)
            dataset.files.append(display)
            name = path.relative_to(self.data_dir).as_posix()
            names.append(name)
            status = file_status(str(path))
            known = self._known.get(str(path), status)
            if known is not None and (known.display, known.kind) != (display, kind):
                known = None
            if digest is None and known is not None and index < len(before_names) and before_names[index] == name:
                states.append(before_states[index])
                total_bytes += known.size  # read under the total bound last time, after the same files
                entries.append(_Entry(path, display, kind, None, known.key, status, known.result, read_at))
                continue
            if digest is None:
                digest = before_states[index].copy() if index < len(before_states) else hashlib.sha256()
            states.append(digest.copy())
            raw = read_bounded(path, display, dataset.problems)
            if raw is not None and total_bytes + len(raw) > MAX_TOTAL_BYTES:
                dataset.problems.append(codes.TOTAL_TOO_LARGE.at(
                    display, 1, 1, total=f"{total_bytes / 2**20:,.1f} MB", limit=f"{MAX_TOTAL_BYTES // 2**20} MB"))
                raw = None
            add_to_version(digest, name, raw)
            if raw is None:
                self._known.forget(str(path))
                entries.append(_Entry(path, display, kind, None, "", status, None, read_at))
                continue
            total_bytes += len(raw)
            # The key from the bytes read, even when the status is unchanged: the file may change between the two.
            entries.append(_Entry(path, display, kind, raw, entry_key(raw, display, kind), status, None, read_at))
        if digest is None:  # no file changed, was added or moved: files may have been removed from the end
            digest = before_states[len(listed)].copy() if len(listed) < len(before_states) else hashlib.sha256()
        stamp_version(dataset, digest)
        self._hashed = (names, [*states, digest])
        self._known.retain({str(path) for path, _kind in listed})  # a removed file's records are not kept alive
        return entries

    def _results(self, dataset: Dataset, entries: list[_Entry], checks: Checks) -> list[FileResult | None]:
        """Each read file's result: the last load's when its entry key is the same, else through the parse cache;
        None for a file left out (unread, or past the record bound). `checks.units` becomes this load's files."""
        previous = checks.units
        units: dict[str, FileUnit] = {}
        found: list[FileResult | None] = []
        used: dict[str, FileResult] = {}
        total_records = 0
        for entry in entries:
            display, kind, raw, unit_key = entry.display, entry.kind, entry.raw, entry.key
            if not unit_key:
                found.append(None)
                continue
            before = previous.get(display)
            if entry.kept is not None:
                result = used[unit_key] = entry.kept
            elif before is not None and before.key == unit_key:
                result = used[unit_key] = before.result
            elif self.cache is not None:
                assert raw is not None  # only a file not read again has no bytes, and it has its result
                result = self.cache.result(raw, display, kind, used)
            else:
                assert raw is not None
                result = compute(raw, display, kind)
            if raw is not None:
                self._known.put(str(entry.path), entry.status, _Known(display, kind, unit_key, len(raw), result),
                                entry.read_at)
            units[display] = FileUnit(display, kind, unit_key, result)
            dataset.problems.extend(result.problems)
            if result.parsed is None:
                found.append(None)
                continue
            dataset.spans[display] = result.parsed.spans
            if total_records + len(result.records) > MAX_RECORDS:
                count = total_records + len(result.records)
                dataset.problems.append(codes.TOO_MANY_RECORDS.at(display, 1, 1, count=count, limit=MAX_RECORDS))
                found.append(None)
                continue
            total_records += len(result.records)
            found.append(result)
        if self.cache is not None:
            self.cache.keep(used)
        checks.units = units
        return found

    def _check(self, dataset: Dataset, reads: list[FileResult | None], checks: Checks) -> list[Problem]:
        """The cross-file checks, re-run for what changed since `checks` was made; fills `checks` and the dataset.
        Returns the problems of the whole-set checks (the snapshot stores them beside the per-record ones)."""
        problems: list[Problem] = []
        assembled = assemble([r for r in reads if r is not None], problems)
        records = assembled.records
        failed = set().union(*(r.parsed.failed_ids for r in reads if r is not None and r.parsed))
        old_records, old_failed = checks.records, checks.failed
        if old_records and not checks.referenced_by:  # restored from a snapshot: the index is made on first need
            checks.referenced_by = referrers(old_records)
        # Which records are new objects (their file changed), and which ids changed what they resolve to.
        moved = moved_ids(assembled, self._assembled, old_records) | (failed ^ old_failed)
        self._assembled = assembled
        for record_id in moved:  # keep the index of who references whom current
            before = old_records.get(record_id)
            if before is not None:
                for ref in before.ref_ids():
                    checks.referenced_by.get(ref, set()).discard(record_id)
            now = records.get(record_id)
            if now is not None:
                for ref in now.ref_ids():
                    checks.referenced_by.setdefault(index_key(records, ref), set()).add(record_id)
        # A reference's answer depends only on whether its id is a kept record, of which collection, or failed:
        # the records referencing an id whose answer changed are checked again, not those of an edited record.
        changed = {i for i in moved if status_of(old_records, old_failed, i) != status_of(records, failed, i)}
        recheck = {i for i in moved if i in records}
        for record_id in changed:
            recheck |= checks.referenced_by.get(record_id, set())
        recheck &= records.keys()
        for record_id in moved - records.keys():
            checks.record_problems.pop(record_id, None)
            checks.base_bad.discard(record_id)
        for record_id in recheck:
            found: list[Problem] = []
            one = [record_id]
            bad = check_references(records, failed, found, one) | check_dates(records, checks.today, found, one)
            if found:
                checks.record_problems[record_id] = found
            else:
                checks.record_problems.pop(record_id, None)
            if bad:
                checks.base_bad.add(record_id)
            else:
                checks.base_bad.discard(record_id)
            if not old_records:
                # A full check decodes every record's facts: dropped as soon as the record is checked, so each
                # record's decoding reuses the last one's memory. Kept to the end, they were 160 MB at 1,000
                # incidents, freed between what the load keeps, and the server held the gaps (220 MB more than a
                # server restored from its snapshot).
                settle(records[record_id])
        checks.records, checks.failed, checks.rechecked = records, failed, recheck
        bad = set(checks.base_bad) | check_cycles(records, problems, actors_of(assembled))
        drop_dependents(records, bad, problems, checks.referenced_by)
        keep_assembled(dataset, assembled, bad)
        problems += self._warnings_of(dataset, assembled, bad, checks)
        problems += hosted_problems(dataset, records, checks.referenced_by)
        problems += self._weekdays(dataset, records, checks)
        if not old_records:  # a full check decoded every record's facts: an edit asks again only for a few
            for located in records.values():
                settle(located)
        return problems

    @staticmethod
    def _weekdays(dataset: Dataset, records: dict[str, Located], checks: Checks) -> list[Problem]:
        """Weekday mismatches, worked out again only for a record whose object or year changed."""
        kept: dict[str, tuple[Located, int | None, list[Problem]]] = {}
        problems: list[Problem] = []
        for record_id, located in records.items():
            if not located.text_flags[1]:
                continue
            record = dataset.record(record_id)
            year = record_year(record, dataset) if record is not None else None
            before = checks.weekdays.get(record_id)
            if before is not None and before[0] is located and before[1] == year:
                found = before[2]
            else:
                found = weekday_mismatches(dataset, {record_id: located}) if record is not None else []
            kept[record_id] = (located, year, found)
            problems += found
        checks.weekdays = kept
        return problems

    def _finish(self, dataset: Dataset, checks: Checks, global_problems: Iterable[Problem]) -> None:
        """The problems of this load: the files' own (already in), the per-record and whole-set checks', and those
        of what lies outside the records (stored copies, files the loader does not read), looked at every load."""
        problems = dataset.problems
        problems += [p for found in checks.record_problems.values() for p in found]
        problems += global_problems
        problems += stored_copy_problems(dataset, checks.records, self.data_dir, self._copies)
        problems += unread_files(self.data_dir, [path for path, _kind in self._listed])
        problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))


# A loader holds its last load: a few directories at a time (the app uses one; a test process opens many).
LOADERS_KEPT = 4
_LOADERS: OrderedDict[tuple[str, int], Loader] = OrderedDict()
_LOADERS_LOCK = threading.Lock()


def loader_for(data_dir: Path | str, cache: FileCache | None = FILE_CACHE,
               worker_min_bytes: int | None = None, prepare_edits: bool = False, for_edits: bool = True,
               worker_module: str | None = None) -> Loader:
    """The process's `Loader` for a data directory (one per directory and cache; the `LOADERS_KEPT` last used).
    `worker_min_bytes`, `prepare_edits`, `for_edits` and `worker_module` are the new loader's (`Loader`): the first
    caller's are kept."""
    key = (str(Path(data_dir).resolve()), id(cache))
    with _LOADERS_LOCK:
        if key not in _LOADERS:
            _LOADERS[key] = Loader(data_dir, cache, worker_min_bytes=worker_min_bytes, prepare_edits=prepare_edits,
                                   for_edits=for_edits, worker_module=worker_module)
        _LOADERS.move_to_end(key)
        while len(_LOADERS) > LOADERS_KEPT:
            _LOADERS.popitem(last=False)
        return _LOADERS[key]
