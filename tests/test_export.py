"""Exports opened with the libraries a reviewer's tools use: python-docx, pypdf, json."""

from __future__ import annotations

import json

import pytest
from docx import Document
from pypdf import PdfReader

from bot.candidature import Draft
from bot.candidature.form import FIELDS, missing
from bot.export import export_draft, safe_filename
from bot.prompts import texts


@pytest.fixture()
def full_draft():
    draft = Draft()
    for spec in FIELDS:
        draft.set(spec.name, spec.parse(texts("form")[spec.name]["example"]))
    draft.set("project.title", "Œuvrer pour la qualité de l’eau « potable »")
    draft.set("expectations", "Mettre la donnée au cœur de nos décisions, À Ç É Ê È Ë Î Ï Ô Ù Û Ü Ÿ æ.")
    return draft


@pytest.fixture()
def partial_draft():
    draft = Draft()
    draft.set("project.title", "Détecter les dépôts sauvages")
    return draft


def test_file_names_are_readable_ascii(full_draft):
    assert safe_filename(full_draft, "docx") == "candidature-oeuvrer-pour-la-qualite-de-l-eau-potable.docx"
    assert safe_filename(Draft(), "pdf") == "candidature-brouillon.pdf"


def test_docx_has_title_header_sections_binome_table(full_draft, tmp_path):
    path = export_draft(full_draft, "docx", tmp_path / "a.docx", {"draft_id": 7})
    word = Document(str(path))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Œuvrer pour la qualité de l’eau « potable »" in text
    assert "Statut : brouillon · exporté le " in text and "Brouillon n° 7" in text
    for heading in ("Intercommunalité", "Projet", "Binôme", "Attentes vis-à-vis du programme"):
        assert heading in text
    table = word.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1][:2] == ["Référent data", "Karim Benali"]
    assert rows[2][3] == "sophie.durand@cc-valvert.fr"
    assert "Toutes les rubriques obligatoires sont remplies." in text


def test_partial_docx_lists_what_is_missing(partial_draft, tmp_path):
    word = Document(str(export_draft(partial_draft, "docx", tmp_path / "p.docx", {})))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Reste à compléter" in text
    assert "☐ Nom de l’intercommunalité" in text and "☐ Référent métier du binôme" in text


def test_pdf_keeps_every_french_character(full_draft, partial_draft, tmp_path):
    text = "\n".join(page.extract_text() for page in PdfReader(str(export_draft(full_draft, "pdf", tmp_path / "a.pdf", {}))).pages)
    assert "Œuvrer pour la qualité de l’eau « potable »" in text
    assert "Statut : brouillon" in text and "Karim Benali" in text and "Référent métier" in text
    partial = "\n".join(page.extract_text() for page in PdfReader(str(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", {}))).pages)
    assert "Reste à compléter" in partial and "Référent data du binôme" in partial


def test_markdown_and_json(full_draft, partial_draft, tmp_path):
    md = export_draft(partial_draft, "md", tmp_path / "p.md", {}).read_text(encoding="utf-8")
    assert md.startswith("*Candidature au programme") and "- [ ] Titre du projet" not in md and "- [ ] Nom de l’intercommunalité" in md
    data = json.loads(export_draft(full_draft, "json", tmp_path / "a.json", {}).read_text(encoding="utf-8"))
    assert Draft.model_validate(data) == full_draft


FRENCH = "Mettre la donnée au cœur de nos décisions, À Ç É Ê È Ë Î Ï Ô Ù Û Ü Ÿ æ."


def _pdf_text(path):
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_docx_headings_in_order_and_oe(full_draft, tmp_path):
    word = Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", {"draft_id": 3, "user_id": "42"})))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Intercommunalité", "Personne à contacter", "Projet", "Binôme",
                        "Attentes vis-à-vis du programme", "Reste à compléter"]
    assert FRENCH in "\n".join(p.text for p in word.paragraphs)
    assert word.core_properties.title == "Œuvrer pour la qualité de l’eau « potable »"


def test_pdf_has_the_mark_the_binome_table_oe_and_the_checklist(full_draft, partial_draft, tmp_path):
    text = _pdf_text(export_draft(full_draft, "pdf", tmp_path / "a.pdf", {"draft_id": 3, "status": "submitted",
                                                                          "updated": "2025-03-04T10:00:00"}))
    assert "Statut : soumis · mis à jour le 04/03/2025" in text and "Brouillon n° 3" in text
    assert "cœur" in text and "À Ç É" in text and "Œuvrer" in text
    for cell in ("Rôle", "Fonction et service", "Référent data", "Karim Benali", "sophie.durand@cc-valvert.fr"):
        assert cell in text
    assert "Toutes les rubriques obligatoires sont remplies." in text
    partial = _pdf_text(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", {}))
    assert "Statut : brouillon · exporté le " in partial and "☐ Nom de l’intercommunalité" in partial
    assert "(à compléter)" in partial


def test_markdown_full_has_the_binome_table_and_no_checklist(full_draft, tmp_path):
    md = export_draft(full_draft, "md", tmp_path / "a.md", {"draft_id": 3, "status": "draft"}).read_text(encoding="utf-8")
    assert "\n# Œuvrer pour la qualité de l’eau « potable »\n" in md and "Statut : brouillon · exporté le " in md
    assert "| Référent data | Karim Benali |" in md and "\n## Binôme\n" in md and "cœur" in md
    assert "**Population**\n\n45\u202f000\n" in md
    assert "- [ ]" not in md and "Toutes les rubriques obligatoires sont remplies." in md


def test_json_of_a_partial_draft_round_trips(partial_draft, tmp_path):
    text = export_draft(partial_draft, "json", tmp_path / "p.json", {}).read_text(encoding="utf-8")
    assert "Détecter les dépôts sauvages" in text  # ensure_ascii=False: readable accents
    assert Draft.model_validate(json.loads(text)) == partial_draft


def test_safe_filename_with_odd_titles():
    draft = Draft()
    draft.set("project.title", "😀 <b>Suivi</b> des dépôts sauvages / 2025 ?")
    assert safe_filename(draft, "md") == "candidature-suivi-des-depots-sauvages-2025.md"
    draft.set("project.title", "😀😀")
    assert safe_filename(draft, "json") == "candidature-brouillon.json"


def test_unknown_format_is_refused(partial_draft, tmp_path):
    with pytest.raises(ValueError):
        export_draft(partial_draft, "odt", tmp_path / "p.odt", {})


def test_safe_filename_with_the_draft_number():
    assert safe_filename("Suivi des dépôts sauvages", 12, "docx") == "candidature-12-suivi-des-depots-sauvages.docx"
    assert safe_filename("", 12, "pdf") == "candidature-12.pdf"
    assert safe_filename("Cœur de ville : l’œil des données", None, "md") == "candidature-coeur-de-ville-l-oeil-des-donnees.md"
    long = safe_filename("données " * 30, 5, "json")
    assert long.startswith("candidature-5-donnees-") and len(long) <= len("candidature-5-") + 60 + len(".json")
    assert not long.removesuffix(".json").endswith("-")
    with pytest.raises(ValueError):
        safe_filename("x", 1, "exe")


def test_export_meta_and_a_folder_as_target(partial_draft, tmp_path):
    from bot.export import ExportMeta

    meta = ExportMeta(draft_id=12, status="draft", updated="2026-01-15")
    path = export_draft(partial_draft, "pdf", tmp_path, meta)
    assert path == tmp_path / "candidature-12-detecter-les-depots-sauvages.pdf"
    text = _pdf_text(path)
    assert "mis à jour le 15/01/2026" in text and "Brouillon n° 12" in text
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_markdown_keeps_user_text_literal(tmp_path):
    from markdown_it import MarkdownIt

    draft = Draft()
    draft.set("project.title", "# Nos *données* <script>alert(1)</script>")
    draft.set("expectations", "- un point\n1. deux\nun [lien](http://exemple.invalid) | fin")
    md = export_draft(draft, "md", tmp_path / "a.md").read_text(encoding="utf-8")
    html = MarkdownIt().render(md)
    assert "<script>" not in html and "<em>données</em>" not in html and "<h1>Nos" not in html
    assert "&lt;script&gt;" in html and "*données*" in html
    assert "<a href" not in html and "[lien](http://exemple.invalid)" in html
    assert "<p>- un point</p>" in html and "<p>1. deux</p>" in html  # one paragraph a line, as text
    answer = html.split("<h2>Attentes vis-à-vis du programme</h2>")[1].split("<h2>")[0]
    assert "<ul>" not in answer and "<ol>" not in answer


# -- the document a reviewer reads: header, sections, people's tables, paragraphs, pages --------------

LONG = ("Notre communauté de communes veut analyser les données de remplissage des bacs.\n"
        "Première étape : équiper deux tournées pilotes de pesée embarquée.\n\n"
        "Deuxième étape : croiser les pesées avec les tracés GPS des tournées.")
META = {"draft_id": 7, "version": 3, "status": "changes_requested", "updated": "2026-03-04T10:00:00+00:00", "user_id": "42"}


@pytest.fixture()
def long_draft(full_draft):
    full_draft.set("project.description", LONG + "\n" + "Troisième étape : mesurer les kilomètres parcourus. " * 60)
    return full_draft


def test_docx_uses_word_title_and_heading_styles(full_draft, tmp_path):
    word = Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", META)))
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.style.name in ("Title", "Subtitle") or p.style.name.startswith("Heading")]
    assert styled[0] == ("Title", "Œuvrer pour la qualité de l’eau « potable »")
    assert styled[1] == ("Subtitle", "Communauté de communes du Val Vert · Ille-et-Vilaine (35)")
    assert {name for name, _ in styled[2:]} == {"Heading 1"}
    assert all(p.style.builtin for p in word.paragraphs if p.style.name.startswith("Heading"))
    # a rubric: its label bold on its own line, its answer below, never « Libellé : valeur »
    texts_ = [p.text for p in word.paragraphs]
    at = texts_.index("Politique publique et enjeu local")
    assert all(run.bold for run in word.paragraphs[at].runs)
    assert texts_[at + 1] == texts("form")["project.policy"]["example"]
    assert not any(t.startswith("Politique publique et enjeu local :") for t in texts_)


def test_docx_people_are_in_tables_with_a_built_in_style(full_draft, tmp_path):
    word = Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", META)))
    contact, binome = ([[c.text for c in row.cells] for row in t.rows] for t in word.tables)
    assert contact == [["Nom", "Fonction et service", "E-mail"],
                       ["Claire Martin", "chargée de mission transition", "claire.martin@cc-valvert.fr"]]
    assert binome[0] == ["Rôle", "Nom", "Fonction et service", "E-mail"]
    assert [row[0] for row in binome[1:]] == ["Référent data", "Référent métier"]
    assert all(t.style is not None and t.style.builtin and t.style.name != "Normal Table" for t in word.tables)
    assert not any("Claire Martin" in p.text for p in word.paragraphs)  # not a « Nom : … ; … » line


def test_long_answer_keeps_its_line_breaks_as_paragraphs(long_draft, tmp_path):
    lines = LONG.replace("\n\n", "\n").split("\n")
    paragraphs = [p.text for p in Document(str(export_draft(long_draft, "docx", tmp_path / "a.docx", META))).paragraphs]
    at = paragraphs.index("Description du projet")
    assert paragraphs[at + 1:at + 4] == lines
    pdf_lines = _pdf_text(export_draft(long_draft, "pdf", tmp_path / "a.pdf", META)).splitlines()
    at = pdf_lines.index("Description du projet")
    assert pdf_lines[at + 1:at + 4] == lines
    md = export_draft(long_draft, "md", tmp_path / "a.md", META).read_text(encoding="utf-8")
    assert "**Description du projet**\n\n" + "\n\n".join(lines) + "\n\n" in md


def test_pdf_numbers_its_pages(long_draft, tmp_path):
    pages = PdfReader(str(export_draft(long_draft, "pdf", tmp_path / "a.pdf", META))).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f"Page {number} / {len(pages)}" in page.extract_text()


def test_pdf_outline_has_one_entry_per_section(full_draft, tmp_path):
    outline = PdfReader(str(export_draft(full_draft, "pdf", tmp_path / "a.pdf", META))).outline
    assert [entry.title for entry in outline] == ["Intercommunalité", "Personne à contacter", "Projet", "Binôme",
                                                  "Attentes vis-à-vis du programme", "Reste à compléter"]


def test_docx_footer_numbers_its_pages(full_draft, tmp_path):
    word = Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", META)))
    footer = word.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "Brouillon n° 7 · version 3" in footer


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_header_shows_interco_title_number_version_status_and_date(full_draft, tmp_path, fmt):
    path = export_draft(full_draft, fmt, tmp_path / f"a.{fmt}", META)
    if fmt == "pdf":
        text = _pdf_text(path)
    elif fmt == "docx":
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    else:
        text = path.read_text(encoding="utf-8")
    header = text[:text.index("Intercommunalité\n") if fmt != "md" else text.index("## Intercommunalité")]
    assert "Œuvrer pour la qualité de l’eau « potable »" in header
    assert "Communauté de communes du Val Vert · Ille-et-Vilaine (35)" in header
    assert "Brouillon n° 7 · version 3" in header
    assert "Statut : modifications demandées · mis à jour le 04/03/2026" in header


def test_header_without_the_store_meta_says_what_it_knows(full_draft, partial_draft, tmp_path):
    """The chat's export passes only draft_id and user_id: the status comes from the draft, the date is
    the export's, no version is made up."""
    import datetime as dt

    today = dt.date.today().strftime("%d/%m/%Y")
    full = _pdf_text(export_draft(full_draft, "pdf", tmp_path / "a.pdf", {"draft_id": 5, "user_id": "42"}))
    assert f"Statut : brouillon · exporté le {today}" in full and "version" not in full
    partial = _pdf_text(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", None))
    assert f"Statut : brouillon · exporté le {today}" in partial and "Brouillon n°" not in partial
    assert "Intercommunalité non renseignée" in partial
    other = _pdf_text(export_draft(full_draft, "pdf", tmp_path / "o.pdf", {"interco": "CA du Pays d’Exemple", "updated_at": "2026-01-02"}))
    assert "CA du Pays d’Exemple · Ille-et-Vilaine (35)" in other and "mis à jour le 02/01/2026" in other


def test_export_meta_from_a_stored_draft(partial_draft, tmp_path):
    from bot.export import ExportMeta
    from bot.store import DraftRows, Store

    store = Store(tmp_path / "c.db")
    draft_id = DraftRows(store).create("u1", partial_draft.model_dump(mode="json"), status="submitted")
    meta = ExportMeta.from_stored(DraftRows(store).get(draft_id))
    assert (meta.draft_id, meta.status, meta.version) == (draft_id, "submitted", 1)
    text = _pdf_text(export_draft(partial_draft, "pdf", tmp_path, meta))
    assert f"Brouillon n° {draft_id} · version 1" in text and "Statut : soumis · mis à jour le " in text


def test_checklist_lists_exactly_what_is_missing(partial_draft, tmp_path):
    word = Document(str(export_draft(partial_draft, "docx", tmp_path / "p.docx", {})))
    boxes = [p for p in word.paragraphs if p.text.startswith("☐ ")]
    assert [p.text[2:] for p in boxes] == missing(partial_draft)
    assert {p.style.name for p in boxes} == {"List Paragraph"}
    md = export_draft(partial_draft, "md", tmp_path / "p.md", {}).read_text(encoding="utf-8")
    assert [line[6:] for line in md.splitlines() if line.startswith("- [ ] ")] == missing(partial_draft)
    pdf = _pdf_text(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", {}))
    assert [line[2:] for line in pdf.splitlines() if line.startswith("☐ ")] == missing(partial_draft)


def test_an_empty_optional_rubric_is_not_marked_as_required(partial_draft, full_draft, tmp_path):
    paragraphs = [p.text for p in Document(str(export_draft(partial_draft, "docx", tmp_path / "p.docx", {}))).paragraphs]
    at = paragraphs.index("SIREN, population, nombre de communes")
    assert paragraphs[at + 1] == "Non renseigné (facultatif)"
    assert paragraphs[paragraphs.index("Département") + 1] == "(à compléter)"
    full = [p.text for p in Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", {}))).paragraphs]
    assert full[full.index("SIREN") + 1] == "123 456 782" and full[full.index("Nombre de communes") + 1] == "32"


def test_json_stays_the_bare_draft(long_draft, tmp_path):
    text = export_draft(long_draft, "json", tmp_path / "a.json", META).read_text(encoding="utf-8")
    assert json.loads(text) == long_draft.model_dump(mode="json")
    assert Draft.model_validate_json(text) == long_draft


def test_odd_text_is_written_in_every_format(tmp_path):
    draft = Draft()
    draft.set("project.title", "Un titre " + "très long " * 40)
    draft.set("project.description", "ligne\tavec tabulation\r\nligne Windows\x00 et un NUL\x0bfin")
    for fmt in ("pdf", "docx", "md", "json"):
        assert export_draft(draft, fmt, tmp_path / f"a.{fmt}", {"draft_id": 123456, "version": 99}).stat().st_size > 0
    paragraphs = [p.text for p in Document(str(tmp_path / "a.docx")).paragraphs]
    at = paragraphs.index("Description du projet")
    assert paragraphs[at + 1:at + 4] == ["ligne avec tabulation", "ligne Windows et un NUL", "fin"]
    first = PdfReader(str(tmp_path / "a.pdf")).pages[0].extract_text()
    footer = first.splitlines()[-1]
    assert footer.startswith("Brouillon n° 123456 · version 99 — Un titre très long") and "… Page 1 / " in footer
