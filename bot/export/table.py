"""Every draft as one table, for the team: one row per draft, one column per rubric of the form.

    table = draft_table(DraftRows(store).list())  # StoredDraft rows (bot.store)
    write_table(table, "xlsx", Path("brouillons.xlsx"))
    write_table(table, "csv", Path("brouillons.csv"))

Columns: the draft's number, its status (French label), owner, version, creation and update dates,
then the form's rubrics in their order (`bot.candidature.form.FIELDS`, French labels as headers).
Every text cell goes through `neutralise` first: a spreadsheet never reads a cell typed by a user as a
formula (OWASP « CSV injection »). The CSV is what Excel opens in French: UTF-8 with a byte order mark
(otherwise Excel reads it as Windows-1252), `;` between cells (the list separator of a French system,
where `,` is the decimal comma), every cell quoted, CRLF line ends.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.candidature import Draft, form
from bot.candidature.status import status_label
from bot.prompts import texts

TableFormat = Literal["xlsx", "csv"]
TABLE_FORMATS: tuple[str, ...] = ("xlsx", "csv")
# what a spreadsheet may read as the start of a formula (OWASP, « CSV Injection »)
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_DIALECT = {"delimiter": ";", "quotechar": '"', "quoting": csv.QUOTE_ALL, "lineterminator": "\r\n"}
META_COLUMNS: tuple[str, ...] = ("id", "status", "owner", "version", "created_at", "updated_at")


def neutralise(value: Any) -> Any:
    """`value` as a cell: a text that a spreadsheet could read as a formula gets a leading `'`.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("Dépôts sauvages"), neutralise(3)
    ('Dépôts sauvages', 3)

    Numbers (ours: number, version) are kept as numbers. Leading spaces and line breaks do not hide a
    trigger (some spreadsheets trim them before reading the cell)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_TRIGGERS) or value.lstrip(" \n").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Any]]  # already neutralised


def _cell(value: Any) -> Any:
    return "" if form.is_empty(value) else form.show(value)


def draft_table(stored: Iterable[Any]) -> Table:
    """One row per draft (`bot.store.StoredDraft`, in number order): its meta, then each rubric as a
    person reads it."""
    names = texts("cli")["export_all_columns"]
    headers = [str(names[key]) for key in META_COLUMNS] + [f.label for f in form.FIELDS]
    rows = []
    for row in sorted(stored, key=lambda r: r.id):
        draft = Draft.model_validate(row.data)
        meta = [row.id, status_label(row.status), row.user_id, row.version, row.created_at, row.updated_at]
        rubrics = [_cell(draft.get(f.name)) for f in form.FIELDS]
        rows.append([neutralise(v) for v in [*meta, *rubrics]])
    return Table(headers=[neutralise(h) for h in headers], rows=rows)


def _csv(table: Table, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, **CSV_DIALECT)
        writer.writerow(table.headers)
        writer.writerows(table.rows)


def _xlsx(table: Table, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(texts("cli")["export_all_sheet"])
    for values in (table.headers, *table.rows):
        row = []
        for value in values:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
            row.append(value)
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it starts with: never stored as a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for column in sheet.columns:
        widest = max((len(line) for c in column for line in str(c.value or "").splitlines()), default=0)
        sheet.column_dimensions[column[0].column_letter].width = min(max(widest + 2, 8), 60)
    book.save(path)


WRITERS: dict[str, Callable[[Table, Path], None]] = {"csv": _csv, "xlsx": _xlsx}


def write_table(table: Table, fmt: TableFormat, path: Path) -> Path:
    """Write `table` to `path`, whole or not at all (a temporary file beside it, then renamed).

    Raises OSError when the folder cannot be written (missing, a file, no right)."""
    path = Path(path)
    with tempfile.NamedTemporaryFile(prefix=".export-all-", suffix=f".{fmt}", dir=path.parent, delete=False) as tmp:
        temporary = Path(tmp.name)
    try:
        WRITERS[fmt](table, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
