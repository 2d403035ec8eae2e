"""A draft as Markdown (Jinja2), Word (python-docx), PDF (fpdf2, DejaVu fonts) or JSON.

    meta = ExportMeta(draft_id=12, status="draft", updated=date.today())
    name = safe_filename(draft.get("project.title"), 12, "docx")  # candidature-12-<titre>.docx
    path = export_draft(draft, "docx", Path("out") / name, meta)
    path = export_draft(draft, "pdf", Path("out"), meta)         # a folder: the safe name is used

`meta` may also be a plain dict with the same keys (draft_id, status, updated); JSON is the bare
`Draft.model_dump(mode="json")`, so `Draft.model_validate_json(path.read_text())` reads it back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.candidature import Draft
from bot.export.document import DocumentView, build
from bot.retrieval.normalize import strip_accents

Format = Literal["md", "docx", "pdf", "json"]
FORMATS: tuple[str, ...] = ("docx", "pdf", "md", "json")
HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"


class ExportMeta(BaseModel):
    """What the store knows about a draft and the exports show: its number, status and last update."""

    model_config = ConfigDict(extra="ignore")

    draft_id: int | None = None
    status: str | None = None  # draft, complete, submitted, changes_requested, approved
    updated: dt.date | dt.datetime | str | None = None  # the « Brouillon — <date> » mark; today if None


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "’": "-", "'": "-"})


def safe_filename(title: Any, draft_id: Any = None, fmt: str | None = None) -> str:
    """A readable ASCII file name: `candidature-12-suivi-des-depots-sauvages.docx`.

    `safe_filename(title, draft_id, fmt)`; `title` may also be a `Draft` (its project title), and the
    short form `safe_filename(draft, fmt)` (no number) is kept for existing callers.
    """
    if fmt is None and isinstance(draft_id, str) and draft_id in FORMATS:
        draft_id, fmt = None, draft_id
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if isinstance(title, Draft):
        title = title.get("project.title")
    text = re.sub(r"<[^>]*>", " ", str(title or "")).translate(_LIGATURES)
    ascii_title = strip_accents(text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0] if "-" in slug[:61] else slug[:60]
    number = str(draft_id) if draft_id is not None and re.fullmatch(r"\d{1,12}", str(draft_id)) else ""
    parts = ["candidature", number, slug or ("" if number else "brouillon")]
    return "-".join(p for p in parts if p) + f".{fmt}"


def export_draft(draft: Draft, fmt: Format, path: Path, meta: ExportMeta | dict | None = None) -> Path:
    """Write `draft` in format `fmt` to `path` (a file, or a folder: then `safe_filename` names it).

    The file is written whole or not at all (temporary file, then rename). Returns the path written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    meta = meta if isinstance(meta, ExportMeta) else ExportMeta.model_validate(meta or {})
    path = Path(path)
    if path.is_dir():
        path = path / safe_filename(draft, meta.draft_id, fmt)
    handle, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=f".{fmt}", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "json":
            tmp.write_text(json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            {"md": _markdown, "docx": _docx, "pdf": _pdf}[fmt](build(draft, meta.model_dump()), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")
_LINE_START_MARKER = re.compile(r"^(\s*)(?:([-+])|(\d+)([.)]))(?=\s)", re.MULTILINE)


def markdown_text(value) -> str:
    """User text made inert in Markdown: « # Titre *gras* <b> » stays literal text, and a value over
    several lines stays inside its list item."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    text = _LINE_START_MARKER.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"), text)
    return "  \n  ".join(line.strip() for line in text.splitlines()) if "\n" in text else text


def _markdown(doc: DocumentView, path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = markdown_text
    env.filters["cell"] = lambda value: markdown_text(value).replace("\n", " ")
    path.write_text(env.get_template("draft.md.j2").render(doc=doc), encoding="utf-8")


def _docx(doc: DocumentView, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt, RGBColor

    word = Document()
    word.core_properties.title = doc.project_title
    word.add_heading(doc.title, level=0)
    word.add_heading(doc.project_title, level=1)
    mark = word.add_paragraph()
    run = mark.add_run(doc.mark + (f" · {doc.reference}" if doc.reference else ""))
    run.bold = True
    run.font.color.rgb = RGBColor(0xB0, 0x30, 0x30)
    for section in doc.sections:
        word.add_heading(section.title, level=2)
        for label, value in section.rows:
            paragraph = word.add_paragraph()
            paragraph.add_run(f"{label} : ").bold = True
            paragraph.add_run(value)
        if section.key == doc.binome_after:
            word.add_heading(doc.binome_title, level=2)
            table = word.add_table(rows=1, cols=len(doc.binome_header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, doc.binome_header):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in doc.binome_rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
    word.add_heading(doc.checklist_title, level=2)
    if doc.missing:
        for item in doc.missing:
            word.add_paragraph(f"☐ {item}", style="List Bullet")
    else:
        word.add_paragraph(doc.checklist_done)
    footer = word.add_paragraph(doc.footer)
    footer.runs[0].font.size = Pt(8)
    word.save(str(path))


def _pdf(doc: DocumentView, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(doc.project_title)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: int = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    write(doc.title, 15, "B", 3)
    write(doc.project_title, 13, "B", 2)
    pdf.set_text_color(176, 48, 48)
    write(doc.mark + (f" · {doc.reference}" if doc.reference else ""), 10, "B", 4)
    pdf.set_text_color(0, 0, 0)
    for section in doc.sections:
        write(section.title, 12, "B", 1)
        for label, value in section.rows:
            write(f"{label} : {value}")
        pdf.ln(2)
        if section.key == doc.binome_after:
            write(doc.binome_title, 12, "B", 1)
            pdf.set_font("DejaVu", "", 9)
            with pdf.table(col_widths=(22, 22, 30, 26), text_align="LEFT") as table:
                header = table.row()
                for text in doc.binome_header:
                    header.cell(text)
                for row in doc.binome_rows:
                    cells = table.row()
                    for text in row:
                        cells.cell(text)
            pdf.ln(4)
    write(doc.checklist_title, 12, "B", 1)
    for item in doc.missing or [doc.checklist_done]:
        write(("☐ " if doc.missing else "") + item)
    pdf.ln(3)
    pdf.set_text_color(90, 90, 90)
    write(doc.footer, 8)
    pdf.output(str(path))
