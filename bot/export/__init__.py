"""A draft as Markdown (Jinja2), Word (python-docx), PDF (fpdf2, DejaVu fonts) or JSON.

    meta = ExportMeta(draft_id=12, status="submitted", version=3, updated="2026-03-04T10:00:00+00:00")
    name = safe_filename(draft.get("project.title"), 12, "docx")  # candidature-12-<titre>.docx
    path = export_draft(draft, "docx", Path("out") / name, meta)
    path = export_draft(draft, "pdf", Path("out"), meta)         # a folder: the safe name is used
    path = export_draft(draft, "md", Path("out"), ExportMeta.from_stored(stored))  # a StoredDraft

`meta` may also be a plain dict with the same keys, every one optional: draft_id, status, version,
updated (or updated_at), interco; other keys (user_id) are ignored. The documents open on a header
(intercommunalité, project title, status and date, draft number and version), then one section per
part of the form. JSON is the bare `Draft.model_dump(mode="json")`, so
`Draft.model_validate_json(path.read_text())` reads it back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from bot.candidature import Draft
from bot.export.document import DocumentView, build, shorten
from bot.retrieval.normalize import strip_accents

Format = Literal["md", "docx", "pdf", "json"]
FORMATS: tuple[str, ...] = ("docx", "pdf", "md", "json")
HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"


class ExportMeta(BaseModel):
    """What the store knows about a draft and the exports' header shows. Every key is optional."""

    model_config = ConfigDict(extra="ignore")

    draft_id: int | None = None  # « Brouillon n° 12 »; not shown when None
    status: str | None = None  # a stored value (bot.candidature.status); None: draft or complete, from the draft
    version: int | None = None  # « version 3 »; not shown when None
    # « mis à jour le 04/03/2026 »; None: « exporté le <today> » (never a made-up update date)
    updated: dt.date | dt.datetime | str | None = Field(None, validation_alias=AliasChoices("updated", "updated_at"))
    interco: str | None = None  # the header's intercommunalité; None: the draft's interco.name
    # reviewers' comments addressed to the applicant (never private notes): {field, who, date, body},
    # `field` None for the whole draft; shown after the answers, rubric by rubric
    comments: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def from_stored(cls, stored: Any) -> "ExportMeta":
        """The meta of a `bot.store.StoredDraft` (id, status, version, updated_at)."""
        return cls(draft_id=stored.id, status=stored.status, version=stored.version, updated=stored.updated_at)


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

    env = Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = markdown_text
    env.filters["cell"] = lambda value: markdown_text(value).replace("\n", " ")
    path.write_text(env.get_template("draft.md.j2").render(doc=doc), encoding="utf-8")


# Word: the default template's built-in styles (Title, Subtitle, Heading 1, List Paragraph, a table style)
_DOCX_TABLE_STYLE = "Light Grid Accent 1"
_GREY = (0x59, 0x59, 0x59)
_DOCX_WIDTHS_CM = {3: (4.6, 5.6, 6.4), 4: (3.4, 3.6, 4.0, 5.6)}  # within the 16.6 cm of text width


def _docx_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _docx(doc: DocumentView, path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    word = Document()
    word.core_properties.title = shorten(doc.project_title, 255)  # Word's limit for a property
    word.core_properties.subject = doc.programme
    page = word.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)  # A4 (the default template is US Letter)
    page.left_margin = page.right_margin = Cm(2.2)
    page.top_margin = page.bottom_margin = Cm(2)
    word.styles["Normal"].font.size = Pt(10.5)
    for name in ("Header", "Footer"):  # the page fields inherit the style's small grey type
        word.styles[name].font.size = Pt(8)
        word.styles[name].font.color.rgb = RGBColor(*_GREY)

    page.header.paragraphs[0].text = doc.programme
    page.footer.paragraphs[0].text = doc.running_footer
    number = page.footer.add_paragraph(style="Footer")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    before, _, rest = doc.page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    number.add_run(before)
    _docx_field(number, "PAGE")
    number.add_run(middle)
    _docx_field(number, "NUMPAGES")
    number.add_run(after)

    word.add_paragraph(doc.project_title, style="Title")
    word.add_paragraph(doc.interco, style="Subtitle")
    mark = word.add_paragraph()
    if doc.reference:
        mark.add_run(doc.reference).bold = True
        mark.add_run().add_break()
    mark.add_run(doc.status_line)

    for section in doc.sections:
        word.add_heading(section.title, level=1)
        for rubric in section.rubrics:
            if rubric.label:
                head = word.add_paragraph()
                head.add_run(rubric.label).bold = True
                head.paragraph_format.keep_with_next = True
                head.paragraph_format.space_after = Pt(2)
            for text in rubric.paragraphs:
                paragraph = word.add_paragraph()
                run = paragraph.add_run(text)
                if not rubric.filled:
                    run.italic = True
                    run.font.color.rgb = RGBColor(*_GREY)
        if section.table is not None:
            table = word.add_table(rows=1, cols=len(section.table.header))
            table.style = _DOCX_TABLE_STYLE
            for cell, text in zip(table.rows[0].cells, section.table.header):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in section.table.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
            widths = _DOCX_WIDTHS_CM.get(len(section.table.header))
            if widths:  # the e-mail and the role get room; Word reads the cells' widths, LibreOffice the grid's
                table.autofit = False
                for column, width in zip(table.columns, widths):
                    column.width = Cm(width)
                    for cell in column.cells:
                        cell.width = Cm(width)

    word.add_heading(doc.checklist_title, level=1)
    for item in doc.missing:
        word.add_paragraph(f"☐ {item}", style="List Paragraph")
    if not doc.missing:
        word.add_paragraph(doc.checklist_done)
    note = word.add_paragraph()
    note.paragraph_format.space_before = Pt(18)
    run = note.add_run(doc.note)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(*_GREY)
    word.save(str(path))


def _pdf(doc: DocumentView, path: Path) -> None:
    from fpdf import FPDF, FontFace

    ink, grey, accent, shade = (0, 0, 0), (90, 90, 90), (31, 56, 100), (232, 237, 245)

    class Pages(FPDF):
        def header(self) -> None:
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*grey)
            self.cell(0, 4, doc.programme, new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(200, 200, 200)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(6)
            self.set_text_color(*ink)

        def footer(self) -> None:
            self.set_y(-13)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*grey)
            number = doc.page_label.format(page=self.page_no(), pages="{nb}")  # {nb}: fpdf2's page count
            text = doc.running_footer
            while text and self.get_string_width(text) > self.epw - 32:  # never over the page number
                text = shorten(text, len(text) - 5)
            self.cell(self.epw - 30, 5, text, align="L")
            self.cell(30, 5, number, align="R")
            self.set_text_color(*ink)

    pdf = Pages(format="A4")
    pdf.alias_nb_pages("{nb}")
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(doc.project_title)
    pdf.set_subject(doc.programme)
    pdf.set_creator("Candibot")
    pdf.add_page()

    def write(text: str, size: float = 10, style: str = "", after: float = 1.5, color=ink, **kwargs) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT", **kwargs)
        pdf.set_text_color(*ink)
        pdf.ln(after)

    def heading(text: str) -> None:
        if pdf.will_page_break(25):
            pdf.add_page()
        pdf.ln(3)
        pdf.start_section(text)
        write(text, 13, "B", 0.5, accent)
        pdf.set_draw_color(*accent)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)

    write(doc.project_title, 18, "B", 2, accent)
    write(doc.interco, 12, "", 4)
    pdf.set_fill_color(*shade)
    if doc.reference:
        write(doc.reference, 10, "B", 0, fill=True, padding=(2, 3, 0, 3))
    write(doc.status_line, 10, "", 4, fill=True, padding=(1 if doc.reference else 2, 3, 2, 3))

    for section in doc.sections:
        heading(section.title)
        for rubric in section.rubrics:
            if rubric.label:
                if pdf.will_page_break(16):
                    pdf.add_page()
                write(rubric.label, 10, "B", 0.8)
            for text in rubric.paragraphs:
                write(text, 10, "", 2, ink if rubric.filled else grey)
            pdf.ln(1)
        if section.table is not None:
            pdf.set_font("DejaVu", "", 9)
            widths = (22, 26, 34, 40) if len(section.table.header) == 4 else (30, 36, 44)
            with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, padding=1.5,
                           headings_style=FontFace(emphasis="BOLD", color=accent, fill_color=shade),
                           borders_layout="HORIZONTAL_LINES") as table:
                for values in [section.table.header, *section.table.rows]:
                    row = table.row()
                    for text in values:
                        row.cell(text)
            pdf.ln(2)

    heading(doc.checklist_title)
    for item in doc.missing:
        write(f"☐ {item}", 10, "", 1)
    if not doc.missing:
        write(doc.checklist_done)
    pdf.ln(6)
    write(doc.note, 8, "", 0, grey)
    pdf.output(str(path))
