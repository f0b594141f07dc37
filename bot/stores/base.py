"""The store interface every sheet backend implements, and the grid-backed base class."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sheets_schema import SCHEMA_VERSION, STATE_TAB
from sheets_schema.state_keys import SCHEMA_VERSION_KEY

from .grid import MAX_CELL_CHARS, CommitNotes, Grid, apply_ops, cell_text, grid_to_frame
from .ops import SetState, WriteOp


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    #: Why the entry could not be read at all (a broken link, a Google Docs file): a failed export.
    problem: str = ""
    #: Why the entry is not an export and was left alone (a lock file, a subfolder).
    note: str = ""
    #: What changes when the file changes, known without reading it where the store can (Drive's
    #: checksum), else from its bytes: the rerun check compares it with the last analysis's.
    fingerprint: str = ""


def content_fingerprint(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16]


_NOT_EXPORTS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf", ".mp4", ".mov", ".docx", ".pptx")


def not_an_export_note(name: str, mime_type: str = "") -> str:
    """Why an entry of the exports folder is left alone without reading it ("" to read it): a lock
    file, or a picture, video or document no tool exports backlinks as."""
    lock = lock_file_note(name)
    if lock:
        return lock
    if name.lower().endswith(_NOT_EXPORTS) or mime_type.startswith(("image/", "video/", "audio/")):
        return f"not an export ({mime_type or name.rsplit('.', 1)[-1]}); left alone"
    return ""


def lock_file_note(name: str) -> str:
    """What a lock file of Excel (`~$NAME`) or LibreOffice (`.~lock.NAME#`) says; "" for other names."""
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        opened = name[2:] if name.startswith("~$") else name[len(".~lock.") : -1]
        return f"a lock file: someone has {opened} open; not an export, left alone"
    return ""


#: Given the state tab as it is right before a commit writes; raises to stop the commit.
StateGuard = Callable[[dict[str, str]], None]


class Store(ABC):
    """Where the team's tabs live. Reads return DataFrames of strings; writes go through `commit`."""

    #: Human-readable location: a file path or a sheet URL.
    location: str
    #: Longest text one cell holds; longer text is cut with a visible marker.
    max_cell_chars: int = MAX_CELL_CHARS

    @abstractmethod
    def tab_names(self) -> list[str]:
        """Visible tabs, in sheet order."""

    @abstractmethod
    def read_tabs(
        self, names: Iterable[str], columns: Mapping[str, Collection[str]] | None = None
    ) -> dict[str, pd.DataFrame]:
        """Each existing tab of `names` as strings (header row = columns); missing tabs are left out.
        A tab `columns` names has only the columns whose header matches one it lists."""

    @abstractmethod
    def read_state(self) -> dict[str, str]:
        """The hidden state tab as key -> value."""

    def read_state_now(self, also: Sequence[str] = ()) -> dict[str, str]:
        """The state tab as the sheet holds it this moment, never as read earlier in the run: the
        lease's checks (another worker may have written it since). Tabs named in `also` are what
        the run reads next: a store that reads tabs in batches reads them in the same request."""
        return self.read_state()

    @contextmanager
    def exclusive_take(self) -> Iterator[bool]:
        """While held, no other process on a store that has one takes the lease (see
        `jobs.lease`); yields whether it really excludes them (False: the lease must settle)."""
        yield False

    @contextmanager
    def run_scope(self) -> Iterator[None]:
        """One run (lease, job, alerts, record): a remote store may answer reads inside it from
        what it read or wrote earlier in the same run, so the run reads each tab once."""
        yield

    #: The version this process last knew the whole sheet at: after its own write, or after a
    #: read that found nothing new. Correctness never depends on it: a version is never repeated.
    remembered_version: str | None = None
    #: Where the remembered version outlives the process (a restarted worker, a CronJob's next run
    #: on the same disk), so a fresh process's idle check is one call too; None: memory only.
    version_file: Path | None = None

    def commit(self, ops: Sequence[WriteOp], guard: StateGuard | None = None) -> CommitNotes:
        """Apply every op together. Either all of them land or the sheet is left as it was.

        `guard` is given the state tab as it is right before anything is written, and raises to
        write nothing (the lease's check that it is still ours)."""
        # gapbot's own bookkeeping (state entries only: lease, heartbeat, outbox) keeps the sheet
        # known if nobody changed it since; any other write changes what the team sees.
        known = all(isinstance(op, SetState) for op in ops) and self.unchanged_since_remembered()
        notes = self._commit_guarded(ops, guard)
        if known:
            self.remember_version(self.version())
        else:
            self.remembered_version = None
        return notes

    def _commit_guarded(self, ops: Sequence[WriteOp], guard: StateGuard | None) -> CommitNotes:
        """`_commit` once `guard` passed; a store that reads the state tab before writing anyway
        checks it with that read instead."""
        if guard is not None:
            guard(self.read_state_now())
        return self._commit(ops)

    @abstractmethod
    def _commit(self, ops: Sequence[WriteOp]) -> CommitNotes:
        """The store's own way of applying `ops` all together."""

    def commit_later(self, values: Mapping[str, str]) -> None:
        """Set state entries with the next write, where a caller holds one back (a job under its
        lease: see `jobs.lease.LeasedStore`); a store on its own writes them now."""
        self.commit([SetState(dict(values))])

    def remember_version(self, version: str) -> None:
        self.remembered_version = version
        if self.version_file is not None:
            try:
                self.version_file.parent.mkdir(parents=True, exist_ok=True)
                self.version_file.write_text(version, encoding="utf-8")
            except OSError:
                pass  # a shortcut only: without it the next process reads the sheet once

    def unchanged_since_remembered(self) -> bool:
        """One cheap call: has anyone changed the sheet since this process (or the last one
        on this machine, through `version_file`) last knew it?"""
        remembered = self.remembered_version
        if remembered is None and self.version_file is not None:
            try:
                remembered = self.version_file.read_text(encoding="utf-8").strip() or None
            except OSError:
                remembered = None
        return remembered is not None and self.version() == remembered

    @abstractmethod
    def version(self) -> str:
        """A cheap token that changes whenever the sheet changes (for skipping idle reads)."""

    @abstractmethod
    def export_files(self, folder: str) -> list[ExportFile]:
        """The export files in the `Exports folder` setting's folder, as this store sees it."""

    def export_fingerprints(self, folder: str) -> dict[str, str]:
        """Each entry of the exports folder by name, with its `ExportFile.fingerprint`; a store
        that can tell without downloading the files does so."""
        return {f.name: f.fingerprint for f in self.export_files(folder)}

    def read_tab(self, name: str) -> pd.DataFrame | None:
        return self.read_tabs([name]).get(name)

    def tab_link(self, name: str) -> str:
        """Where a person opens tab `name`: a URL straight to the tab for online sheets, else the location."""
        return self.location

    def read_state_json(self, key: str, default: object = None) -> object:
        raw = self.read_state().get(key, "")
        return json.loads(raw) if raw else default


def state_values(frame: pd.DataFrame | None) -> dict[str, str]:
    """The hidden state tab as read (a frame: Key, Value) as key -> value, e.g. when read with other tabs."""
    if frame is None or frame.empty:
        return {}
    return {cell_text(k): cell_text(v) for k, v in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True) if k}


def with_schema_version(ops: Sequence[WriteOp]) -> list[WriteOp]:
    return [*ops, SetState({SCHEMA_VERSION_KEY: str(SCHEMA_VERSION)})]


class GridStore(Store):
    """A store whose tabs can be loaded whole as grids: the local workbook and memory."""

    @abstractmethod
    def _load(self) -> tuple[dict[str, Grid], set[str]]:
        """All tabs as grids, in order, and the names of hidden tabs. The grids may be the store's
        own: callers never change them (`apply_ops` builds new grids of what it changes)."""

    @abstractmethod
    def _save(self, before: dict[str, Grid], after: dict[str, Grid], notes: CommitNotes) -> None:
        """Persist `after` atomically (only tabs in `notes.touched` changed)."""

    def tab_names(self) -> list[str]:
        grids, hidden = self._load()
        return [n for n in grids if n not in hidden]

    def read_tabs(
        self, names: Iterable[str], columns: Mapping[str, Collection[str]] | None = None
    ) -> dict[str, pd.DataFrame]:
        grids, _ = self._load()
        return {n: grid_to_frame(grids[n], (columns or {}).get(n)) for n in names if n in grids}

    def read_state(self) -> dict[str, str]:
        grids, _ = self._load()
        return state_values(grid_to_frame(grids.get(STATE_TAB)))

    def _commit(self, ops: Sequence[WriteOp]) -> CommitNotes:
        before, _ = self._load()
        after, notes = apply_ops(before, with_schema_version(ops), self.max_cell_chars)
        self._save(before, after, notes)
        return notes
