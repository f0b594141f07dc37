"""What both sheet stores draw from a tab's layout declaration (pure, no I/O).

The Google plan and the workbook store turn these into their own requests; keeping the
arithmetic here makes a tab look the same in Google Sheets, Excel and LibreOffice.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from sheets_schema import RowColour, TabSchema, header_key

from .grid import Grid, header_index


def frozen_columns(schema: TabSchema, grid: Grid) -> int:
    """Columns to freeze: through the key column where the header holds it now (0: none).

    Found by header, so a column the team inserted before the key stays frozen with it.
    """
    if not schema.freeze_key or schema.key is None:
        return 0
    at = header_index(grid).get(header_key(schema.key))
    return 0 if at is None else at + 1


def row_formula(rule: RowColour, column: int) -> str:
    """The formula true on a data row whose `rule.column` (0-based index `column`) holds `rule.value`.

    Written for the first data row (row 2) with the column fixed (`$`) and the row relative, so
    Google and Excel apply it to every row of the range and move it when the team inserts columns.
    """
    value = rule.value.replace('"', '""')
    return f'=${get_column_letter(column + 1)}2="{value}"'


def rgb(colour: str) -> dict[str, float]:
    """A hex RGB colour ("EFEFEF") as the Sheets API's 0-1 fractions."""
    return {name: int(colour[i : i + 2], 16) / 255 for name, i in (("red", 0), ("green", 2), ("blue", 4))}
