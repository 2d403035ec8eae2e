"""A draft as Markdown (Jinja2), Word (python-docx), PDF (fpdf2, DejaVu fonts) or JSON.

    path = export_draft(draft, "docx", Path("out") / safe_filename(draft, "docx"), {"draft_id": 3})
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from bot.candidature import Draft
from bot.export.document import DocumentView, build
from bot.retrieval.normalize import strip_accents

Format = Literal["md", "docx", "pdf", "json"]
FORMATS: tuple[str, ...] = ("docx", "pdf", "md", "json")
HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"


def safe_filename(draft: Draft, fmt: str) -> str:
    """A readable ASCII file name: `candidature-mieux-cibler-la-collecte.docx`."""
    title = re.sub(r"<[^>]*>", " ", str(draft.get("project.title") or "brouillon"))
    ascii_title = strip_accents(title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-") or "brouillon"
    return f"candidature-{slug}.{fmt}"


def export_draft(draft: Draft, fmt: str, path: Path, meta: dict | None = None) -> Path:
    """Write `draft` to `path` in format `fmt`; returns the path written."""
    path = Path(path)
    if fmt == "json":
        path.write_text(json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
        return path
    doc = build(draft, meta)
    renderers = {"md": _markdown, "docx": _docx, "pdf": _pdf}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}")
    renderers[fmt](doc, path)
    return path


def _markdown(doc: DocumentView, path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = lambda value: str(value).replace("|", "\\|").replace("\n", " ")
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
