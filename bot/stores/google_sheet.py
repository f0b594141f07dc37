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

from .base import ExportFile, Store, state_values, with_schema_version
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
    structure_requests,
    value_ranges,
)
from .google_retry import GoogleRetryPolicy, RetryingHTTPClient, api_disabled
from .grid import MAX_CELL_CHARS, CommitNotes, Grid, apply_ops, cell_text, grid_to_frame
from .ops import ReplaceTab, SetState, UpsertRows, WriteOp

SHEET_FIELDS = "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)))"
READ_OPTIONS: dict[str, str | int | bool | float | list[str] | None] = {
    "valueRenderOption": "FORMATTED_VALUE",
    "majorDimension": "ROWS",
}


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

    def _grids(self, names: Sequence[str]) -> dict[str, Grid]:
        if not names:
            return {}
        reply = self.client.values_batch_get(
            self.spreadsheet_id, [absolute_range_name(n) for n in names], params=READ_OPTIONS
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

    def export_files(self, folder: str) -> list[ExportFile]:
        if self._drive_reader is None:
            reader = with_scopes(self.credentials, [*BASE_SCOPES, DRIVE_READ_SCOPE])
            session = self._session  # an injected session (tests) is shared; otherwise a new one with Drive access
            self._drive_reader = RetryingHTTPClient(reader, session, policy=self._policy, sleep=self._sleep)
        return download_exports(self._drive_reader, folder, lambda: account_email(self.credentials))

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
            self.client.batch_update(self.spreadsheet_id, {"requests": structure})

        fresh = self._fresh_keys([p for p in plans if p.key_column is not None and p.row_writes])
        data = [
            vr
            for p in plans
            for vr in value_ranges(p.name, aim(p, *fresh[p.name]) if p.name in fresh else p.row_writes)
        ]
        for batch in chunks(data):
            self.client.values_batch_update(self.spreadsheet_id, {"valueInputOption": "RAW", "data": batch})
        for p in plans:
            for rows in row_chunks(p.appended):
                self.client.values_append(
                    self.spreadsheet_id,
                    self._header_range(p),
                    params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                    body={"values": rows},
                )
        finish = [r for p in plans for r in finish_requests(p, ids[p.name], rows_during(p))]
        if finish:
            self.client.batch_update(self.spreadsheet_id, {"requests": finish})
        return notes

    def _plan(self, name: str, info: SheetInfo | None, before: Grid, after: Grid, ops: Sequence[WriteOp]) -> TabPlan:
        mine = [op for op in ops if tab_of(op) == name]
        replaced = any(isinstance(op, ReplaceTab) for op in mine)
        sort_by = next((op.sort_by for op in reversed(mine) if isinstance(op, UpsertRows) and op.sort_by), None)
        fill = [c for op in mine if isinstance(op, UpsertRows) for c in op.fill_blank]
        return plan_tab(name, info, before, after, replaced=replaced, sort_by=sort_by, fill_blank=fill)

    def _header_range(self, plan: TabPlan) -> str:
        """Row 1 across the header: Google appends after the table that starts there."""
        return absolute_range_name(plan.name, f"A1:{rowcol_to_a1(1, plan.width)}")

    def _fresh_keys(self, plans: Sequence[TabPlan]) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
        """Each keyed tab's header, key column and blank-fill columns as they are now, right before writing."""
        if not plans:
            return {}
        ranges = []
        for p in plans:
            assert p.key_column is not None
            ranges.append(absolute_range_name(p.name, "1:1"))
            for c in (p.key_column, *sorted(p.fill_columns)):
                letter = rowcol_to_a1(1, c + 1)[:-1]
                ranges.append(absolute_range_name(p.name, f"{letter}:{letter}"))
        reply = iter(self.client.values_batch_get(self.spreadsheet_id, ranges, params=READ_OPTIONS)["valueRanges"])

        def column(value_range: dict[str, Any]) -> list[str]:
            return [cell_text(r[0]).strip() if r else "" for r in value_range.get("values", [])]

        fresh: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
        for p in plans:
            header = [cell_text(c) for c in (next(reply).get("values") or [[]])[0]]
            planned = [cell_text(c) for c in p.before[0]] if p.before else []
            if header[: len(planned)] != planned:
                raise StoreError(
                    "the header row changed while gapbot was writing; the team's cells were not touched",
                    where=f"tab {p.name!r}",
                    fix="run again",
                )
            keys = column(next(reply))
            fresh[p.name] = (keys, {c: column(next(reply)) for c in sorted(p.fill_columns)})
        return fresh

    def _new_sheet_id(self, used: set[int]) -> int:
        while True:
            candidate = self._ids.randrange(1, 2**31 - 1)
            if candidate not in used:
                used.add(candidate)
                return candidate
