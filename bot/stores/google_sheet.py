"""The team's Google Sheet, through gspread: batched, quota-safe and formula-safe.

A read is one metadata request and one `values:batchGet`; inside a run (`Store.run_scope`) the
tab list and each tab are read once, and a commit's batchUpdate answers with the tab list after
it. A commit is a fixed sequence whose length does not depend on the number of rows, only on
bytes / 2 MB:

1. `values:batchGet` of the tabs the ops touch as they are now, with the state tab for the
   lease's check, so gapbot's cells are aimed at the rows that hold their keys now;
2. one `spreadsheets.batchUpdate`: new tabs, grid sizes, new header cells with their notes,
   widths, dropdowns, number formats, colours and warning-only protection (formatting alone,
   which every commit sends again, waits for step 4 instead);
3. `values:batchUpdate` (RAW: text is never read as a formula) of gapbot's changed cells (the
   key columns re-read first if step 2 went in between), then a read of the keyed tabs' key and
   written columns that repairs cells the team's moves misplaced;
4. one `spreadsheets.batchUpdate`: new rows (`appendCells` after the last row with data, text
   as stringValue: never a formula; a replaced tab's rows past its grid too, where that spares
   step 2 and the second read of step 3 without costing more requests), then sort keyed tabs
   (`sortRange` moves whole rows, the team's cells with them) and trim replaced tabs.
If a run stops between two steps, no team cell has moved or changed, and the next run repairs
the rest."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pandas as pd
import requests
from google.auth.credentials import Credentials
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import absolute_range_name, rowcol_to_a1

from bot.errors import StoreError
from sheets_schema import STATE_TAB
from sheets_schema.tabs import DASHBOARD

from .base import ExportFile, StateGuard, Store, state_values, with_schema_version
from .charts import chart_requests
from .drive import download_exports, file_version
from .google_auth import BASE_SCOPES, DRIVE_READ_SCOPE, account_email, load_credentials, with_scopes
from .google_cache import RunCache
from .google_plan import (
    Appended,
    SheetInfo,
    TabPlan,
    aim,
    appended_parts,
    chunks,
    commit_structure,
    final_batches,
    finish_requests,
    only_formats,
    plan_tab,
    rows_during,
    rows_kept,
    value_ranges,
    write_requests,
)
from .google_retry import GoogleRetryPolicy, RetryingHTTPClient, api_disabled
from .google_verify import (
    ColumnsNow,
    adds_each_time,
    checked_columns,
    not_yet_appended,
    repairs,
    structure_landed,
    trim_landed,
)
from .grid import MAX_CELL_CHARS, CommitNotes, Grid, apply_ops, cell_text, grid_to_frame, tab_of
from .ops import ReplaceTab, UpsertRows, WriteOp

SHEET_FIELDS = "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),charts(chartId))"
# A batchUpdate answers with the tabs after it (and no cells), so a commit needs no metadata read after.
ANSWER_FIELDS = f"updatedSpreadsheet({SHEET_FIELDS})"
ReadOptions = dict[str, str | int | bool | float | list[str] | None]
READ_OPTIONS: ReadOptions = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
# The check after writing compares the values gapbot sent, so it reads them unformatted.
VERIFY_OPTIONS: ReadOptions = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
# A values write and its check, then at most two rounds of repairs (the team moving rows meanwhile).
WRITE_ROUNDS = 3
BEFORE_WRITING = "the team's cells were not touched"
WRITING = "some of gapbot's cells of this run may be in the wrong columns"


def sheet_infos(spreadsheet: Mapping[str, Any]) -> list[SheetInfo]:
    """The tabs of a Spreadsheet resource (a metadata read, or a batchUpdate's answer)."""
    out = []
    for sheet in spreadsheet.get("sheets", []):
        p = sheet["properties"]
        grid = p.get("gridProperties", {})
        out.append(
            SheetInfo(
                p["sheetId"],
                p["title"],
                grid.get("rowCount", 0),
                grid.get("columnCount", 0),
                p.get("hidden", False),
                tuple(c["chartId"] for c in sheet.get("charts", [])),
            )
        )
    return out


class GoogleSheetStore(Store):
    max_cell_chars = MAX_CELL_CHARS

    def __init__(
        self,
        spreadsheet_id: str,
        credentials: Credentials | None = None,
        *,
        key_file: str | None = None,
        policy: GoogleRetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.location = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
        self.credentials = credentials if credentials is not None else load_credentials(key_file)
        self.client = RetryingHTTPClient(self.credentials, session, policy=policy, sleep=sleep)
        self._policy, self._sleep, self._session = policy, sleep, session
        self._drive_reader: RetryingHTTPClient | None = None
        self._ids = random.Random()
        self._cache: RunCache | None = None

    @contextmanager
    def run_scope(self) -> Iterator[None]:
        self._cache = RunCache()
        try:
            yield
        finally:
            self._cache = None

    # --- reads -----------------------------------------------------------------------------

    def _sheets(self) -> list[SheetInfo]:
        """The tabs, as read earlier in the run where one is under way (see `RunCache`)."""
        known = self._cache.known_sheets() if self._cache is not None else None
        if known is not None:
            return known
        sheets = self._fetch_sheets()
        if self._cache is not None:
            self._cache.sheets = [replace(s) for s in sheets]
        return sheets

    def _fetch_sheets(self) -> list[SheetInfo]:
        """The tabs as Google holds them now: for checks of what landed."""
        try:
            return sheet_infos(self.client.fetch_sheet_metadata(self.spreadsheet_id, params={"fields": SHEET_FIELDS}))
        except APIError as exc:
            raise self._open_error(exc) from None

    def _open_error(self, exc: APIError, drive: bool = False) -> StoreError:
        if api_disabled(exc):
            return StoreError(
                f"the Google {'Drive' if drive else 'Sheets'} API is not enabled for the project of gapbot's "
                "service account",
                where="--sheet",
                fix="enable it in the Google Cloud console (APIs & Services › Library) for that project, wait a "
                "minute, and run again",
            )
        if exc.code in (403, 404):
            email = account_email(self.credentials)
            who = email or "the Google account gapbot runs as"
            api = "enable the Google Drive API for its project; " if drive and exc.code == 403 else ""
            return StoreError(
                f"gapbot cannot open the Google Sheet {self.spreadsheet_id!r} (Google answered {exc.code})",
                where="--sheet",
                fix=f"{api}open the sheet, click Share and add {who} as an Editor; "
                "check that the ID is the part of the sheet's URL between /d/ and /edit",
            )
        return StoreError(
            f"Google refused to read the sheet: {exc.code} {exc.error.get('message', '')}", where="--sheet"
        )

    def _tabs(self, names: Sequence[str]) -> dict[str, Grid]:
        """Whole tabs, those not read earlier in the run in one batchGet."""
        if self._cache is None:
            return self._grids(names)
        known = self._cache.hits(names)
        fetched = self._grids([n for n in names if n not in known])
        self._cache.keep(fetched)
        return {n: known[n] if n in known else fetched[n] for n in names}

    def _grids(self, names: Sequence[str], cells: str | None = None) -> dict[str, Grid]:
        """Whole tabs (or the `cells` range of each, e.g. "1:1") in one batchGet, as Google holds them now."""
        if not names:
            return {}
        reply = self.client.values_batch_get(
            self.spreadsheet_id, [absolute_range_name(n, cells) for n in names], params=READ_OPTIONS
        )
        return {n: [list(r) for r in vr.get("values", [])] for n, vr in zip(names, reply["valueRanges"], strict=True)}

    def tab_names(self) -> list[str]:
        return [s.title for s in self._sheets() if not s.hidden]

    def read_tabs(
        self, names: Iterable[str], columns: Mapping[str, Collection[str]] | None = None
    ) -> dict[str, pd.DataFrame]:
        return {n: grid_to_frame(g, (columns or {}).get(n)) for n, g in self._tabs(self._present(names)).items()}

    def _present(self, names: Iterable[str]) -> list[str]:
        """`names` the sheet has a tab of, each once, in order."""
        present = {s.title for s in self._sheets()}
        return [n for n in dict.fromkeys(names) if n in present]

    def read_state(self) -> dict[str, str]:
        return state_values(self.read_tabs([STATE_TAB]).get(STATE_TAB))

    def read_state_now(self, also: Sequence[str] = ()) -> dict[str, str]:
        if self._cache is not None:
            self._cache.forget([STATE_TAB])
            self._tabs(self._present([STATE_TAB, *also]))
        return self.read_state()

    def version(self) -> str:
        try:
            return file_version(self.client, self.spreadsheet_id)
        except APIError as exc:
            raise self._open_error(exc, drive=True) from None

    def _exports(self, folder: str, download: bool) -> list[ExportFile]:
        if self._drive_reader is None:
            reader = with_scopes(self.credentials, [*BASE_SCOPES, DRIVE_READ_SCOPE])
            session = self._session  # an injected session (tests) is shared; otherwise a new one with Drive access
            self._drive_reader = RetryingHTTPClient(reader, session, policy=self._policy, sleep=self._sleep)
        return download_exports(self._drive_reader, folder, lambda: account_email(self.credentials), download)

    def export_files(self, folder: str) -> list[ExportFile]:
        return self._exports(folder, download=True)

    def export_fingerprints(self, folder: str) -> dict[str, str]:
        """From the folder's listing alone: no file is downloaded."""
        return {f.name: f.fingerprint for f in self._exports(folder, download=False)}

    # --- writes ----------------------------------------------------------------------------

    def _commit(self, ops: Sequence[WriteOp]) -> CommitNotes:
        return self._commit_guarded(ops, None)

    def _commit_guarded(self, ops: Sequence[WriteOp], guard: StateGuard | None) -> CommitNotes:
        ops = with_schema_version(ops)
        touched = list(dict.fromkeys(tab_of(op) for op in ops))
        try:
            notes, after, sheets_now = self._write(ops, touched, guard)
        except BaseException:
            self._forget(touched)
            raise
        self._forget(touched, sheets_now)
        if self._cache is not None and STATE_TAB in after:
            # Only gapbot writes the state tab, all text: as written is as read back.
            self._cache.keep({STATE_TAB: after[STATE_TAB]})
        return notes

    def _forget(self, tabs: Sequence[str], sheets_now: list[SheetInfo] | bool | None = None) -> None:
        """What a commit changed is read again when next asked for (a sort or a trim moved rows);
        the tab list is the last batchUpdate's answer (`sheets_now`), True: as before the commit,
        None: read again."""
        if self._cache is not None:
            self._cache.forget(tabs)
            if sheets_now is not True:
                self._cache.sheets = sheets_now or None

    def _write(
        self, ops: Sequence[WriteOp], touched: list[str], guard: StateGuard | None
    ) -> tuple[CommitNotes, dict[str, Grid], list[SheetInfo] | bool | None]:
        """The commit's requests; (its notes, the touched tabs as planned, the tabs as the last
        batchUpdate answered: True if none was sent, None if its answer was lost).

        One batchGet reads the touched tabs as they are now (so gapbot's cells are aimed at the
        rows their keys hold now) with the state tab for `guard`. Only the state tab may come from
        the run's cache without a guard: gapbot alone writes it, and it was read just before.
        """
        sheets = self._sheets()
        by_title = {s.title: s for s in sheets}
        if self._cache is not None:
            self._cache.forget([n for n in touched if n != STATE_TAB or guard is not None])
        checked = [STATE_TAB] if guard is not None and STATE_TAB not in touched and STATE_TAB in by_title else []
        before = self._tabs([n for n in [*touched, *checked] if n in by_title])
        if guard is not None:
            guard(state_values(grid_to_frame(before.get(STATE_TAB))))
        for name in checked:
            del before[name]
        # Positions stay as they are until the final sortRange, so the plan sorts nothing itself.
        unsorted = [replace(op, sort_by=None) if isinstance(op, UpsertRows) else op for op in ops]
        after, notes = apply_ops(before, unsorted, self.max_cell_chars)
        plans = [self._plan(name, by_title.get(name), before.get(name, []), after[name], ops) for name in touched]

        used = {s.sheet_id for s in sheets}
        ids = {p.name: p.info.sheet_id if p.info else self._new_sheet_id(used) for p in plans}
        structure = commit_structure(plans, ids, sheets)
        if structure and not only_formats(structure):
            # A replaced tab that outgrew its grid: its rows past the grid may go with the final
            # request instead, which grows the grid itself. Then no structure request comes between
            # the read and the values writes, and the keyed tabs need no second read to aim them:
            # taken where the appended rows (bulkier than values) cost no more requests than that saves.
            past = [
                self._plan(p.name, p.info, p.before, p.after, ops, append_past_grid=True) if p.replaced else p
                for p in plans
            ]
            past_structure = commit_structure(past, ids, sheets)
            saved = 1 + any(p.key_column is not None and p.row_writes and p.name != STATE_TAB for p in plans)
            if only_formats(past_structure) and write_requests(past) <= write_requests(plans) + saved:
                plans, structure = past, past_structure
        # Formatting alone waits for the final request: nothing then goes between the commit's
        # read and its values writes, so the keyed tabs need no second read to aim them.
        formats = structure if only_formats(structure) else []
        sheets_now: list[SheetInfo] | bool | None = True
        if structure and not formats:
            sheets_now = self._batch_update(lambda: structure, lambda: self._structure_landed(plans, ids))
        self._write_cells(plans, moved_since_read=bool(structure) and not formats)
        finish = formats + [r for p in plans for r in finish_requests(p, ids[p.name], rows_during(p))]
        if DASHBOARD.name in touched:  # its charts over its new rows, in the same final request
            info = by_title.get(DASHBOARD.name)
            finish += chart_requests(after[DASHBOARD.name], ids[DASHBOARD.name], info.charts if info else ())
        keep = {ids[p.name]: rows_kept(p) for p in plans if p.replaced}
        for parts, rest in final_batches(list(appended_parts(plans)), finish):
            sheets_now = self._send_final(parts, rest, ids, keep)
        return notes, after, sheets_now

    def _batch_update(
        self, requests: Callable[[], list[dict[str, Any]]], landed: Callable[[], bool]
    ) -> list[SheetInfo] | None:
        """One spreadsheets.batchUpdate of `requests()` (asked again before a resend: `landed` may
        leave less to send); one that adds rules, ranges, rows or tabs is never repeated blind
        (Google applies a batchUpdate whole or not at all, so `landed` can tell). Google answers
        with the tabs as they are after it (None when the answer was lost)."""

        def send() -> Any:
            body = {"requests": requests(), "includeSpreadsheetInResponse": True, "responseIncludeGridData": False}
            url = SPREADSHEET_BATCH_UPDATE_URL % self.spreadsheet_id
            return self.client.request("post", url, json=body, params={"fields": ANSWER_FIELDS}).json()

        if adds_each_time(requests()):
            answer = self.client.send_checked(send, landed, "POST spreadsheets:batchUpdate")
        else:
            answer = send()
        return None if answer is None else sheet_infos(answer.get("updatedSpreadsheet", {}))

    def _send_final(
        self, parts: list[Appended], rest: list[dict[str, Any]], ids: dict[str, int], keep: dict[int, int]
    ) -> list[SheetInfo] | None:
        """New rows with the final requests in one batchUpdate. If its answer is lost, one read of
        the tabs' new rows tells whether it landed (whole: Google applies all of it or nothing);
        then only rows not there yet are sent again (none twice), else all of it."""
        pending, others = parts, rest

        def landed() -> bool:
            nonlocal pending, others
            if not parts:
                if trim_landed(keep, self._fetch_sheets()):
                    others = []
                return not others
            still = self._not_yet_appended(pending)
            if sum(len(p.rows) for p in still) < sum(len(p.rows) for p in pending):
                others = []  # some rows of the request are there: all of it landed
            pending = still
            return not pending and not others

        def requests() -> list[dict[str, Any]]:
            return [r for part in pending for r in part.requests(ids[part.plan.name])] + others

        return self._batch_update(requests, landed)

    def _structure_landed(self, plans: Sequence[TabPlan], ids: dict[str, int]) -> bool:
        sheets = self._fetch_sheets()
        present = {s.title for s in sheets}
        headers = self._grids([p.name for p in plans if p.new_header and p.name in present], "1:1")
        return structure_landed(
            plans, ids, sheets, {n: [cell_text(c) for c in (g or [[]])[0]] for n, g in headers.items()}
        )

    def _write_cells(self, plans: Sequence[TabPlan], moved_since_read: bool) -> None:
        """gapbot's changed cells of existing rows, then a check that each landed in its key's row.

        Keyed tabs are aimed at where their keys were when the commit read them, re-read first
        when a structure request went in between (`moved_since_read`: the team had longer to move
        rows or columns); if the team moved rows before the write, the check after it finds the
        cells out of place and writes them again where they belong, a few rounds at most.
        """
        # The hidden, protected state tab is gapbot's alone and was read just before this commit
        # (the lease's check): nobody moves its rows in between, so its cells go where it was read.
        keyed = [p for p in plans if p.key_column is not None and p.row_writes and p.name != STATE_TAB]
        sent = {p.name: p.row_writes for p in keyed}
        if moved_since_read:
            fresh = self._read_columns([(p, []) for p in keyed], READ_OPTIONS, BEFORE_WRITING)
            sent = {p.name: aim(p, fresh[p.name][0]) for p in keyed}
        every = {name: list(writes) for name, writes in sent.items()}  # every write of this commit, by tab
        data = [vr for p in plans if p.name not in sent for vr in value_ranges(p.name, p.row_writes)]
        for _ in range(WRITE_ROUNDS):
            data += [vr for name, writes in sent.items() for vr in value_ranges(name, writes)]
            for batch in chunks(data):
                self.client.values_batch_update(self.spreadsheet_id, {"valueInputOption": "RAW", "data": batch})
            written = [p for p in keyed if sent.get(p.name)]
            now = self._read_columns([(p, checked_columns(p)) for p in written], VERIFY_OPTIONS, WRITING)
            sent = {p.name: repairs(p, every[p.name], ColumnsNow(*now[p.name])) for p in written}
            for name, writes in sent.items():
                every[name] += writes
            if not any(sent.values()):
                return
            data = []
        moving = ", ".join(repr(name) for name, writes in sent.items() if writes)
        raise StoreError(
            "the team kept sorting, inserting or deleting rows while gapbot wrote; some of gapbot's cells "
            "may still be in other prospects' rows",
            where=f"tab {moving}",
            fix="run again when nobody is reordering rows: gapbot rewrites its own columns by key",
        )

    def _not_yet_appended(self, parts: Sequence[Appended]) -> list[Appended]:
        """The rows of `parts` not in the sheet yet, from one batchGet: keyed tabs' key columns
        (a header no longer as planned stops the commit: keys could be read from another column),
        other tabs whole."""
        keyed = list({p.plan.name: p.plan for p in parts if p.plan.key_column is not None}.values())
        others = list(dict.fromkeys(p.plan.name for p in parts if p.plan.key_column is None))
        ranges = [*column_ranges([(p, []) for p in keyed]), *(absolute_range_name(n) for n in others)]
        reply = iter(self.client.values_batch_get(self.spreadsheet_id, ranges, params=READ_OPTIONS)["valueRanges"])
        keys = {name: now[0] for name, now in parsed_columns([(p, []) for p in keyed], reply, WRITING).items()}
        grids = {n: [list(r) for r in next(reply).get("values", [])] for n in others}
        return not_yet_appended(parts, keys, grids)

    def _plan(
        self,
        name: str,
        info: SheetInfo | None,
        before: Grid,
        after: Grid,
        ops: Sequence[WriteOp],
        append_past_grid: bool = False,
    ) -> TabPlan:
        mine = [op for op in ops if tab_of(op) == name]
        replaced = any(isinstance(op, ReplaceTab) for op in mine)
        sort_by = next((op.sort_by for op in reversed(mine) if isinstance(op, UpsertRows) and op.sort_by), None)
        return plan_tab(
            name, info, before, after, replaced=replaced, sort_by=sort_by, append_past_grid=append_past_grid
        )

    def _header_range(self, plan: TabPlan) -> str:
        """Row 1 across the header: Google appends after the table that starts there."""
        return absolute_range_name(plan.name, f"A1:{rowcol_to_a1(1, plan.width)}")

    def _read_columns(
        self, wanted: Sequence[tuple[TabPlan, Sequence[int]]], options: ReadOptions, header_changed: str = ""
    ) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
        """Per keyed tab: its key column and `columns`, top-down, in one batchGet with each header."""
        if not wanted:
            return {}
        reply = self.client.values_batch_get(self.spreadsheet_id, column_ranges(wanted), params=options)
        return parsed_columns(wanted, iter(reply["valueRanges"]), header_changed)

    def _new_sheet_id(self, used: set[int]) -> int:
        while True:
            candidate = self._ids.randrange(1, 2**31 - 1)
            if candidate not in used:
                used.add(candidate)
                return candidate


def column_ranges(wanted: Sequence[tuple[TabPlan, Sequence[int]]]) -> list[str]:
    """Per keyed tab: its header row, its key column and `columns`."""
    ranges = []
    for p, columns in wanted:
        assert p.key_column is not None
        ranges.append(absolute_range_name(p.name, "1:1"))
        for c in (p.key_column, *columns):
            letter = rowcol_to_a1(1, c + 1)[:-1]
            ranges.append(absolute_range_name(p.name, f"{letter}:{letter}"))
    return ranges


def parsed_columns(
    wanted: Sequence[tuple[TabPlan, Sequence[int]]], reply: Iterator[dict[str, Any]], header_changed: str
) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
    """The answer to `column_ranges(wanted)`. A header no longer as planned means columns moved:
    positions cannot be trusted."""

    def column(value_range: dict[str, Any]) -> list[str]:
        return [cell_text(r[0]) if r else "" for r in value_range.get("values", [])]

    out: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
    for p, columns in wanted:
        header = [cell_text(c) for c in (next(reply).get("values") or [[]])[0]]
        planned = [cell_text(c) for c in p.before[0]] if p.before else []
        if header[: len(planned)] != planned:
            raise StoreError(
                f"the header row changed while gapbot was writing; {header_changed}",
                where=f"tab {p.name!r}",
                fix="check the columns of that tab, then run again",
            )
        keys = [k.strip() for k in column(next(reply))]
        out[p.name] = (keys, {c: column(next(reply)) for c in columns})
    return out
