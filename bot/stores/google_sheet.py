"""The team's Google Sheet, through gspread: batched, quota-safe and formula-safe.

A read is one metadata request and one `values:batchGet`. A commit is a fixed sequence whose
length does not depend on the number of rows, only on bytes / 2 MB:

1. metadata + `values:batchGet` of the tabs the ops touch;
2. one `spreadsheets.batchUpdate`: new tabs, grid sizes, new header cells with their notes,
   widths, dropdowns, number formats, colours and warning-only protection;
3. a re-read of the key columns, so gapbot's cells go to the rows that hold their keys now;
4. `values:batchUpdate` (RAW: text is never read as a formula) of gapbot's changed cells;
5. `values:append` (INSERT_ROWS) of new rows;
6. one `spreadsheets.batchUpdate`: sort keyed tabs (`sortRange` moves whole rows, the team's
   cells with them) and trim replaced tabs.
If a run stops between two steps, no team cell has moved or changed, and the next run repairs
the rest.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
import requests
from google.auth.credentials import Credentials
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1

from bot.errors import StoreError
from sheets_schema import STATE_TAB
from sheets_schema.tabs import DASHBOARD

from .base import ExportFile, Store, state_values, with_schema_version
from .charts import chart_requests
from .drive import download_exports, file_version
from .google_auth import BASE_SCOPES, DRIVE_READ_SCOPE, account_email, load_credentials, with_scopes
from .google_plan import (
    SheetInfo,
    TabPlan,
    aim,
    check_cells,
    chunks,
    finish_requests,
    plan_tab,
    row_chunks,
    rows_during,
    rows_kept,
    structure_requests,
    value_ranges,
)
from .google_retry import GoogleRetryPolicy, RetryingHTTPClient, api_disabled
from .google_verify import (
    ColumnsNow,
    adds_each_time,
    checked_columns,
    keys_not_yet_appended,
    repairs,
    rows_not_yet_appended,
    structure_landed,
    trim_landed,
)
from .grid import MAX_CELL_CHARS, CommitNotes, Grid, apply_ops, cell_text, grid_to_frame
from .ops import ReplaceTab, SetState, UpsertRows, WriteOp

SHEET_FIELDS = "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),charts(chartId))"
ReadOptions = dict[str, str | int | bool | float | list[str] | None]
READ_OPTIONS: ReadOptions = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
# The check after writing compares the values gapbot sent, so it reads them unformatted.
VERIFY_OPTIONS: ReadOptions = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
# A values write and its check, then at most two rounds of repairs (the team moving rows meanwhile).
WRITE_ROUNDS = 3
BEFORE_WRITING = "the team's cells were not touched"
WRITING = "some of gapbot's cells of this run may be in the wrong columns"


def tab_of(op: WriteOp) -> str:
    return STATE_TAB if isinstance(op, SetState) else op.schema.name


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

    # --- reads -----------------------------------------------------------------------------

    def _sheets(self) -> list[SheetInfo]:
        try:
            reply = self.client.fetch_sheet_metadata(self.spreadsheet_id, params={"fields": SHEET_FIELDS})
        except APIError as exc:
            raise self._open_error(exc) from None
        out = []
        for sheet in reply.get("sheets", []):
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

    def _grids(self, names: Sequence[str], cells: str | None = None) -> dict[str, Grid]:
        """Whole tabs (or the `cells` range of each, e.g. "1:1") in one batchGet."""
        if not names:
            return {}
        reply = self.client.values_batch_get(
            self.spreadsheet_id, [absolute_range_name(n, cells) for n in names], params=READ_OPTIONS
        )
        return {n: [list(r) for r in vr.get("values", [])] for n, vr in zip(names, reply["valueRanges"], strict=True)}

    def tab_names(self) -> list[str]:
        return [s.title for s in self._sheets() if not s.hidden]

    def read_tabs(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        present = {s.title for s in self._sheets()}
        wanted = [n for n in dict.fromkeys(names) if n in present]
        return {n: grid_to_frame(g) for n, g in self._grids(wanted).items()}

    def read_state(self) -> dict[str, str]:
        return state_values(self.read_tabs([STATE_TAB]).get(STATE_TAB))

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
        ops = with_schema_version(ops)
        sheets = self._sheets()
        by_title = {s.title: s for s in sheets}
        touched = list(dict.fromkeys(tab_of(op) for op in ops))
        before = self._grids([n for n in touched if n in by_title])
        # Positions stay as they are until the final sortRange, so the plan sorts nothing itself.
        unsorted = [replace(op, sort_by=None) if isinstance(op, UpsertRows) else op for op in ops]
        after, notes = apply_ops(before, unsorted, self.max_cell_chars)
        plans = [self._plan(name, by_title.get(name), before.get(name, []), after[name], ops) for name in touched]

        used = {s.sheet_id for s in sheets}
        ids = {p.name: p.info.sheet_id if p.info else self._new_sheet_id(used) for p in plans}
        structure = check_cells(plans, sheets)
        for p in plans:
            structure.extend(structure_requests(p, ids[p.name]))
        if structure:
            self._batch_update(structure, lambda: self._structure_landed(plans, ids))
        self._write_cells(plans)
        for p in plans:
            for rows in row_chunks(p.appended):
                self._append(p, rows)
        finish = [r for p in plans for r in finish_requests(p, ids[p.name], rows_during(p))]
        if finish:
            keep = {ids[p.name]: rows_kept(p) for p in plans if p.replaced}
            self._batch_update(finish, lambda: trim_landed(keep, self._sheets()))
        if DASHBOARD.name in after and DASHBOARD.name in touched:
            self._redraw_charts(after[DASHBOARD.name], ids[DASHBOARD.name], by_title.get(DASHBOARD.name))
        return notes

    def _redraw_charts(self, grid: Grid, sheet_id: int, info: SheetInfo | None) -> None:
        """The Dashboard's charts over its new rows; a repeat after a lost answer finds them drawn."""
        requests = chart_requests(grid, sheet_id, info.charts if info else ())
        if requests:
            count = len(requests) - len(info.charts if info else ())
            drawn = lambda: len(next((s.charts for s in self._sheets() if s.sheet_id == sheet_id), ())) == count  # noqa: E731
            self._batch_update(requests, drawn)

    def _batch_update(self, requests: list[dict[str, Any]], landed: Callable[[], bool]) -> None:
        """One spreadsheets.batchUpdate; one that adds rules, ranges, rows or tabs is never repeated
        blind (Google applies a batchUpdate whole or not at all, so `landed` can tell)."""
        body = {"requests": requests}
        if adds_each_time(requests):
            send = lambda: self.client.batch_update(self.spreadsheet_id, body)  # noqa: E731
            self.client.send_checked(send, landed, "POST spreadsheets:batchUpdate")
        else:
            self.client.batch_update(self.spreadsheet_id, body)

    def _structure_landed(self, plans: Sequence[TabPlan], ids: dict[str, int]) -> bool:
        sheets = self._sheets()
        present = {s.title for s in sheets}
        headers = self._grids([p.name for p in plans if p.new_header and p.name in present], "1:1")
        return structure_landed(
            plans, ids, sheets, {n: [cell_text(c) for c in (g or [[]])[0]] for n, g in headers.items()}
        )

    def _write_cells(self, plans: Sequence[TabPlan]) -> None:
        """gapbot's changed cells of existing rows, then a check that each landed in its key's row.

        Keyed tabs are re-aimed at where their keys are right before the write; if the team moved
        rows between that re-read and the write, the check after it finds the cells out of place
        and writes them again where they belong, a few rounds at most.
        """
        keyed = [p for p in plans if p.key_column is not None and p.row_writes]
        fresh = self._read_columns([(p, []) for p in keyed], READ_OPTIONS, BEFORE_WRITING)
        sent = {p.name: aim(p, fresh[p.name][0]) for p in keyed}
        data = [vr for p in plans if p.name not in sent for vr in value_ranges(p.name, p.row_writes)]
        for _ in range(WRITE_ROUNDS):
            data += [vr for name, writes in sent.items() for vr in value_ranges(name, writes)]
            for batch in chunks(data):
                self.client.values_batch_update(self.spreadsheet_id, {"valueInputOption": "RAW", "data": batch})
            written = [p for p in keyed if sent.get(p.name)]
            now = self._read_columns([(p, checked_columns(p)) for p in written], VERIFY_OPTIONS, WRITING)
            sent = {p.name: repairs(p, sent[p.name], ColumnsNow(*now[p.name])) for p in written}
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

    def _append(self, plan: TabPlan, rows: list[list[Any]]) -> None:
        """New rows after the table; if the answer is lost, only the rows not there yet are sent again."""
        pending = rows

        def landed() -> bool:
            nonlocal pending
            if plan.key_column is None:
                pending = rows_not_yet_appended(plan, pending, self._grids([plan.name]).get(plan.name, []))
            else:
                pending = keys_not_yet_appended(
                    plan, pending, self._read_columns([(plan, [])], READ_OPTIONS, WRITING)[plan.name][0]
                )
            return not pending

        def send() -> Any:
            return self.client.values_append(
                self.spreadsheet_id,
                self._header_range(plan),
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                body={"values": pending},
            )

        self.client.send_checked(send, landed, f"POST values:append (tab {plan.name!r})")

    def _plan(self, name: str, info: SheetInfo | None, before: Grid, after: Grid, ops: Sequence[WriteOp]) -> TabPlan:
        mine = [op for op in ops if tab_of(op) == name]
        replaced = any(isinstance(op, ReplaceTab) for op in mine)
        sort_by = next((op.sort_by for op in reversed(mine) if isinstance(op, UpsertRows) and op.sort_by), None)
        return plan_tab(name, info, before, after, replaced=replaced, sort_by=sort_by)

    def _header_range(self, plan: TabPlan) -> str:
        """Row 1 across the header: Google appends after the table that starts there."""
        return absolute_range_name(plan.name, f"A1:{rowcol_to_a1(1, plan.width)}")

    def _read_columns(
        self, wanted: Sequence[tuple[TabPlan, Sequence[int]]], options: ReadOptions, header_changed: str = ""
    ) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
        """Per keyed tab: its key column and `columns`, top-down, in one batchGet with each header.

        A header that is no longer as planned means columns moved: positions cannot be trusted.
        """
        if not wanted:
            return {}
        ranges = []
        for p, columns in wanted:
            assert p.key_column is not None
            ranges.append(absolute_range_name(p.name, "1:1"))
            for c in (p.key_column, *columns):
                letter = rowcol_to_a1(1, c + 1)[:-1]
                ranges.append(absolute_range_name(p.name, f"{letter}:{letter}"))
        reply = iter(self.client.values_batch_get(self.spreadsheet_id, ranges, params=options)["valueRanges"])

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

    def _new_sheet_id(self, used: set[int]) -> int:
        while True:
            candidate = self._ids.randrange(1, 2**31 - 1)
            if candidate not in used:
                used.add(candidate)
                return candidate
