"""What landed in the Google Sheet, and what is still to repair (pure, no I/O).

Google has no conditional write: a values write goes to row positions, and the team may sort,
insert or delete rows between gapbot's re-read of the key column and that write. So after its
values writes gapbot reads the key column and the columns it wrote (one batchGet) and `repairs`
works out which cells to write again, at the rows that hold their keys now.

An answer can also be lost after Google applied a write (a 503, a timeout). Before such a write
is sent again, the checks here say what already landed, so nothing is added twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .google_plan import Appended, RowWrite, SheetInfo, TabPlan, column_of, grid_size
from .grid import Cell, Grid, cell_text, to_cell


@dataclass
class ColumnsNow:
    """A keyed tab's key column and some of its columns (index -> cells top-down), as read now."""

    keys: list[str]
    columns: dict[int, list[str]]

    def cell(self, column: int, row: int) -> str:
        cells = self.columns.get(column, [])
        return cells[row] if row < len(cells) else ""

    @property
    def height(self) -> int:
        return max([len(self.keys), *(len(c) for c in self.columns.values())])


def text(value: Cell) -> str:
    return cell_text(value)


def checked_columns(plan: TabPlan) -> list[int]:
    """The columns of a keyed tab this commit writes in (gapbot's only)."""
    return sorted({c for w in plan.row_writes for c in w.cells})


def after_by_key(plan: TabPlan) -> dict[str, list[Cell]]:
    """Each key's row as the commit wants it (first row of a key the team typed twice)."""
    assert plan.key_column is not None
    out: dict[str, list[Cell]] = {}
    for row in plan.after[1:]:
        key = text(row[plan.key_column]).strip() if plan.key_column < len(row) else ""
        if key:
            out.setdefault(key, row)
    return out


@dataclass
class Wanted:
    """What each key's written columns should hold once the commit is done."""

    plan: TabPlan

    def __post_init__(self) -> None:
        self.planned = {w.key: w.cells for w in self.plan.row_writes if w.key}
        self.after = after_by_key(self.plan)

    def repair(self, c: int, key: str, current: str, misplaced: bool) -> tuple[bool, Cell]:
        """(whether to write, what) for column `c` of the row holding `key` ("" if none or a repeat).

        `misplaced`: the cell may hold what gapbot wrote in this commit for another key.
        """
        if key in self.planned and c in self.planned[key]:
            want = self.planned[key][c]
            return current != text(want), want
        if not misplaced:
            return False, None
        row = self.after.get(key, [])
        want = to_cell(row[c] if c < len(row) else None, self.numeric(c))
        return current != text(want), want

    def numeric(self, c: int) -> bool:
        """Whether column `c` holds numbers: a kept cell was read as text and is written back as a number."""
        header = self.plan.before[0] if self.plan.before else []
        col = column_of(self.plan.schema, text(header[c])) if c < len(header) else None
        return col is not None and col.is_numeric


def repairs(plan: TabPlan, sent: Sequence[RowWrite], now: ColumnsNow) -> list[RowWrite]:
    """Cells to write again so each row holds its own key's cells, given every write `sent` so far
    in this commit.

    A cell this commit changes must hold its value in the row of its key. A cell holding a value
    gapbot sent in its column during this commit may hold it for another key (the team moved rows
    before a write landed, perhaps more than once, so where it went is not where it was aimed): it
    is put back to the value the commit keeps for its row's key (blank in a row gapbot does not
    know) where that differs. A team cell is never touched.
    """
    wanted = Wanted(plan)
    sent_in = {c: {text(w.cells[c]) for w in sent if c in w.cells} for c in now.columns}
    seen: set[str] = set()
    out = []
    for i in range(1, now.height):
        key = now.keys[i] if i < len(now.keys) else ""
        known = key if key not in seen else ""
        seen.add(key)
        cells: dict[int, Cell] = {}
        for c in now.columns:
            current = now.cell(c, i)
            needed, value = wanted.repair(c, known, current, current in sent_in[c])
            if needed:
                cells[c] = "" if value is None else value
        if cells:
            out.append(RowWrite(i, key or None, cells))
    return out


def keys_not_yet_appended(plan: TabPlan, rows: list[list[Cell]], keys_now: Sequence[str]) -> list[list[Cell]]:
    """The `rows` of a keyed tab an append still has to add: those whose key is not in the tab now."""
    assert plan.key_column is not None
    c = plan.key_column
    there = {k.strip() for k in keys_now}
    return [r for r in rows if text(r[c] if c < len(r) else None).strip() not in there]


def rows_not_yet_appended(
    plan: TabPlan, rows: list[list[Cell]], rows_now: Sequence[Sequence[Cell]]
) -> list[list[Cell]]:
    """The `rows` of a log tab (or of a replaced tab past its grid) an append still has to add:
    rows in the tab now that it did not hold before the appends are ours, counted once each. A
    replaced tab's rows before them are the ones its values writes put there."""
    held = plan.after[: len(plan.after) - len(plan.appended)] if plan.replaced else plan.before
    landed = Counter(map(signature, rows_now)) - Counter(map(signature, held))
    missing = []
    for row in rows:
        if landed[signature(row)] > 0:
            landed[signature(row)] -= 1
        else:
            missing.append(row)
    return missing


def not_yet_appended(
    parts: Sequence[Appended], keys_now: Mapping[str, list[str]], now: Mapping[str, Grid]
) -> list[Appended]:
    """The rows of `parts` the sheet does not hold yet: keyed tabs by `keys_now`, the others by
    their rows `now`; each tab is checked once across its parts, so a row is counted once."""
    rows: dict[str, list[list[Cell]]] = {}
    for part in parts:
        rows.setdefault(part.plan.name, []).extend(part.rows)
    missing: set[int] = set()
    for part in {p.plan.name: p for p in parts}.values():
        plan, wanted = part.plan, rows[part.plan.name]
        if plan.key_column is None:
            left = rows_not_yet_appended(plan, wanted, now.get(plan.name, []))
        else:
            left = keys_not_yet_appended(plan, wanted, keys_now.get(plan.name, []))
        missing.update(map(id, left))
    out = []
    for part in parts:
        kept = [i for i, row in enumerate(part.rows) if id(row) in missing]
        if kept:
            out.append(Appended(part.plan, [part.rows[i] for i in kept], [part.body[i] for i in kept]))
    return out


def signature(row: Sequence[Cell]) -> tuple[str, ...]:
    cells = [text(v) for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    return tuple(cells)


# The requests of a spreadsheets.batchUpdate that add something each time they are applied.
ADDING = (
    "addSheet",
    "appendDimension",
    "appendCells",
    "addConditionalFormatRule",
    "addProtectedRange",
    "deleteDimension",
    "addChart",
)


def adds_each_time(requests: Sequence[Mapping[str, object]]) -> bool:
    return any(kind in r for r in requests for kind in ADDING)


def structure_landed(
    plans: Sequence[TabPlan], ids: Mapping[str, int], sheets: Sequence[SheetInfo], headers: Mapping[str, list[str]]
) -> bool:
    """Whether the structure request was applied. Google applies it whole or not at all, so one
    sure sign is enough: a new tab (its id is gapbot's own), else a new header cell's text, else
    the grid sizes (the team may also resize; a wrong "no" only adds empty rows or columns)."""
    by_id = {s.sheet_id: s for s in sheets}
    new_tabs = [p for p in plans if p.info is None]
    if new_tabs:
        return all(ids[p.name] in by_id for p in new_tabs)
    headed = [p for p in plans if p.new_header]
    if headed:
        return all(
            all((headers.get(p.name, [])[c : c + 1] or [""])[0] == t for c, t in p.new_header.items()) for p in headed
        )
    return all(grown(p, by_id.get(ids[p.name])) for p in plans)


def grown(plan: TabPlan, sheet: SheetInfo | None) -> bool:
    """Whether `sheet` has the columns and rows the commit's values writes need."""
    in_place = max((w.row + 1 for w in plan.row_writes), default=0)
    return sheet is not None and sheet.columns >= grid_size(plan)[1] and sheet.rows >= in_place


def trim_landed(keep: Mapping[int, int], sheets: Sequence[SheetInfo]) -> bool:
    """Whether the final request's trims were applied: sheet id -> rows it keeps."""
    return all(s.rows <= keep[s.sheet_id] for s in sheets if s.sheet_id in keep)
