"""One writer per sheet: a lease (holder, expiry) kept in the hidden state tab.

Every job run takes the lease before it writes and gives it back when it ends, so two workers, or
a worker and someone running `gapbot analyze` by hand, never write the same sheet at once. A
worker that dies keeps the lease only until it expires; the next run then takes it over.

Taking the lease is: read the state tab; if the lease is free, expired or already ours, write our
own record; wait `settle` seconds; read it back and check that our record is the one that stayed.

A local workbook takes it under an OS lock on the file (`WorkbookStore.exclusive_take`): a second
gapbot process waits until the first has written its record, then reads it, so no settling is
needed there. Elsewhere, how safe it is depends on the store. None of our stores offers
compare-and-set, so there is a window: two takers that both read "free" before either writes
will both write, and the later write wins. Each taker reads back after `settle` and backs off
when it sees someone else's record, so the race is lost only when one taker's write lands after
the other has already read back, i.e. when its read-to-write time exceeds `settle` (a Google
Sheet takes one or two API calls). On top of that, every write a job makes while
holding the lease first checks that the lease is still ours (`LeasedStore`) and extends it, so a
run whose lease expired and was taken over stops before writing. What remains is a narrow race
between two takers that start within the same moment; a worker running its jobs one at a time
(see `jobs/scheduler.py`) never races itself.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from bot.errors import StoreError
from bot.stores import SetState, Store
from bot.stores.base import ExportFile, StateGuard
from bot.stores.grid import CommitNotes
from bot.stores.ops import WriteOp
from sheets_schema import SCHEMA_VERSION
from sheets_schema.state_keys import LEASE_KEY, SCHEMA_VERSION_KEY


class LeaseBusy(StoreError):
    """Another worker or run holds the sheet right now."""


class LeaseLost(StoreError):
    """The lease expired during a run and someone else took it: this run must not write."""


@dataclass(frozen=True)
class LeaseRecord:
    holder: str
    job: str
    expires: datetime

    def to_json(self) -> str:
        return json.dumps({"holder": self.holder, "job": self.job, "expires": self.expires.isoformat()})

    @classmethod
    def parse(cls, text: str) -> LeaseRecord | None:
        """The record in a state cell; None when the cell is empty or unreadable (treated as free)."""
        if not text.strip():
            return None
        try:
            data = json.loads(text)
            return cls(str(data["holder"]), str(data.get("job", "")), datetime.fromisoformat(data["expires"]))
        except (ValueError, KeyError, TypeError):
            return None


def worker_identity() -> str:
    """Who holds the lease: host and process, plus a random part so a reused pid never matches."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def refuse_newer_schema(state: dict[str, str], location: str) -> None:
    """A sheet last written by a newer gapbot is left alone: writing it would downgrade its schema."""
    stored = state.get(SCHEMA_VERSION_KEY, "")
    if stored.isdigit() and int(stored) > SCHEMA_VERSION:
        raise StoreError(
            f"the sheet was written by a newer gapbot (schema {stored}, this one knows {SCHEMA_VERSION})",
            where=location,
            fix="upgrade gapbot before running it on this sheet",
        )


class Lease:
    def __init__(
        self,
        store: Store,
        holder: str,
        ttl: timedelta,
        clock: Callable[[], datetime],
        settle: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.holder = holder
        self.ttl = ttl
        self.clock = clock
        self.settle = settle
        self.sleep = sleep

    def current(self, also: Sequence[str] = ()) -> LeaseRecord | None:
        """The lease as the sheet holds it now, or None when nobody holds it (free or expired);
        `also`: tabs the run reads next (see `Store.read_state_now`)."""
        return self._live(self.store.read_state_now(also))

    def _live(self, state: Mapping[str, str]) -> LeaseRecord | None:
        record = LeaseRecord.parse(state.get(LEASE_KEY, ""))
        if record is None or record.expires <= self.clock():
            return None
        return record

    def renewal(self, job: str) -> SetState:
        """The write that (re)takes the lease for `job` until `ttl` from now."""
        return SetState({LEASE_KEY: LeaseRecord(self.holder, job, self.clock() + self.ttl).to_json()})

    def acquire(self, job: str, reads: Callable[[], Sequence[str]] = tuple) -> None:
        """Take the lease for `job`; `reads` names the tabs the job reads first, read with the
        check that the lease stayed ours where the store reads tabs in batches."""
        with self.store.exclusive_take() as exclusive:
            state = self.store.read_state_now()
            refuse_newer_schema(state, self.store.location)
            self._refuse_other(self._live(state), job)
            self.store.commit([self.renewal(job)])
        if self.settle and not exclusive:
            self.sleep(self.settle)
        self._refuse_other(self.current(reads()), job)

    def _refuse_other(self, record: LeaseRecord | None, job: str) -> None:
        if record is not None and record.holder != self.holder:
            raise LeaseBusy(
                f"cannot run {job}: the sheet is busy with {record.job or 'another run'} "
                f"(held by {record.holder} until {record.expires:%Y-%m-%d %H:%M:%S %Z})",
                where=self.store.location,
                fix="wait for that run to finish; a lease left by a stopped worker expires by itself at that time",
            )

    def check_state(self, job: str, state: Mapping[str, str]) -> None:
        """LeaseLost unless `state` (read right before a write) shows the lease as ours."""
        record = self._live(state)
        if record is None or record.holder != self.holder:
            who = f"{record.holder} ({record.job})" if record else "nobody"
            raise LeaseLost(
                f"{job} lost the sheet's lease before writing (now held by {who})",
                where=self.store.location,
                fix="the run took longer than the lease; raise GAPBOT_LEASE_SECONDS above the longest job",
            )

    def release_values(self) -> dict[str, str]:
        """State entries that give the lease back, if it is still ours (never someone else's)."""
        record = LeaseRecord.parse(self.store.read_state_now().get(LEASE_KEY, ""))
        return {LEASE_KEY: ""} if record is not None and record.holder == self.holder else {}


class LeasedStore(Store):
    """The store as a job sees it while holding the lease.

    Reads pass through. Each commit first checks the lease is still ours, then lands together with
    a renewal, so a long job that keeps writing keeps its lease and one that lost it never writes.
    State entries given to `commit_later` (what became of the messages sent) ride along with the
    next commit, or with the run's final write of its record (`later`): a write of the whole
    sheet saved per run.
    """

    def __init__(self, inner: Store, lease: Lease, job: str) -> None:
        self.inner = inner
        self.lease = lease
        self.job = job
        self.location = inner.location
        self.max_cell_chars = inner.max_cell_chars
        self._later: dict[str, str] = {}

    def commit(self, ops: Sequence[WriteOp], guard: StateGuard | None = None) -> CommitNotes:
        later, self._later = self._later, {}

        def held(state: dict[str, str]) -> None:
            self.lease.check_state(self.job, state)
            if guard is not None:
                guard(state)

        try:
            # first, so that anything `ops` sets anew wins
            ops = [*([SetState(later)] if later else []), *ops, self.lease.renewal(self.job)]
            return self.inner.commit(ops, held)
        except BaseException:
            self._later = {**later, **self._later}
            raise

    def _commit(self, ops: Sequence[WriteOp]) -> CommitNotes:
        return self.commit(ops)

    def commit_later(self, values: Mapping[str, str]) -> None:
        self._later.update(values)

    def later(self) -> dict[str, str]:
        """The entries held back for the next write, for the run's final write to carry."""
        return dict(self._later)

    def remember_version(self, version: str) -> None:
        self.inner.remember_version(version)

    def unchanged_since_remembered(self) -> bool:
        return self.inner.unchanged_since_remembered()

    def tab_names(self) -> list[str]:
        return self.inner.tab_names()

    def read_tabs(
        self, names: Iterable[str], columns: Mapping[str, Collection[str]] | None = None
    ) -> dict[str, pd.DataFrame]:
        return self.inner.read_tabs(names, columns)

    def read_state(self) -> dict[str, str]:
        # as the job left it: what it holds back for its next write counts as written
        return {**self.inner.read_state(), **self._later}

    def version(self) -> str:
        return self.inner.version()

    def export_files(self, folder: str) -> list[ExportFile]:
        return self.inner.export_files(folder)

    def export_fingerprints(self, folder: str) -> dict[str, str]:
        return self.inner.export_fingerprints(folder)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet: never recurse
            raise AttributeError(name)
        # Anything a particular store offers beyond the interface (e.g. a cheaper change check).
        return getattr(self.inner, name)
