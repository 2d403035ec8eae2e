"""Exports opened with the libraries a reviewer's tools use: python-docx, pypdf, json."""

from __future__ import annotations

import json

import pytest
from docx import Document
from pypdf import PdfReader

from bot.candidature import Draft
from bot.candidature.form import FIELDS
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


def test_docx_has_title_mark_sections_binome_table(full_draft, tmp_path):
    path = export_draft(full_draft, "docx", tmp_path / "a.docx", {"draft_id": 7})
    word = Document(str(path))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Œuvrer pour la qualité de l’eau « potable »" in text
    assert "Brouillon — " in text and "Brouillon n° 7" in text
    for heading in ("Intercommunalité", "Projet", "Binôme", "Attentes vis-à-vis du programme"):
        assert heading in text
    table = word.tables[0]
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
    assert "Brouillon — " in text and "Karim Benali" in text and "Référent métier" in text
    partial = "\n".join(page.extract_text() for page in PdfReader(str(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", {}))).pages)
    assert "Reste à compléter" in partial and "Référent data du binôme" in partial


def test_markdown_and_json(full_draft, partial_draft, tmp_path):
    md = export_draft(partial_draft, "md", tmp_path / "p.md", {}).read_text(encoding="utf-8")
    assert md.startswith("# Candidature") and "- [ ] Titre du projet" not in md and "- [ ] Nom de l’intercommunalité" in md
    data = json.loads(export_draft(full_draft, "json", tmp_path / "a.json", {}).read_text(encoding="utf-8"))
    assert Draft.model_validate(data) == full_draft


FRENCH = "Mettre la donnée au cœur de nos décisions, À Ç É Ê È Ë Î Ï Ô Ù Û Ü Ÿ æ."


def _pdf_text(path):
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_docx_headings_in_order_and_oe(full_draft, tmp_path):
    word = Document(str(export_draft(full_draft, "docx", tmp_path / "a.docx", {"draft_id": 3, "user_id": "42"})))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[1:] == ["Intercommunalité", "Contact", "Projet", "Binôme",
                            "Attentes vis-à-vis du programme", "Reste à compléter"]
    assert FRENCH in "\n".join(p.text for p in word.paragraphs)
    assert word.core_properties.title == "Œuvrer pour la qualité de l’eau « potable »"


def test_pdf_has_the_mark_the_binome_table_oe_and_the_checklist(full_draft, partial_draft, tmp_path):
    text = _pdf_text(export_draft(full_draft, "pdf", tmp_path / "a.pdf", {"draft_id": 3, "status": "submitted",
                                                                          "updated": "2025-03-04T10:00:00"}))
    assert "Brouillon — 04/03/2025" in text and "soumis pour relecture" in text and "Brouillon n° 3" in text
    assert "cœur" in text and "À Ç É" in text and "Œuvrer" in text
    for cell in ("Rôle", "Fonction et service", "Référent data", "Karim Benali", "sophie.durand@cc-valvert.fr"):
        assert cell in text
    assert "Toutes les rubriques obligatoires sont remplies." in text
    partial = _pdf_text(export_draft(partial_draft, "pdf", tmp_path / "p.pdf", {}))
    assert "Brouillon — " in partial and "☐ Nom de l’intercommunalité" in partial and "(à compléter)" in partial


def test_markdown_full_has_the_binome_table_and_no_checklist(full_draft, tmp_path):
    md = export_draft(full_draft, "md", tmp_path / "a.md", {"draft_id": 3, "status": "draft"}).read_text(encoding="utf-8")
    assert "## Œuvrer pour la qualité de l’eau « potable »" in md and "en cours de rédaction" in md
    assert "| Référent data | Karim Benali |" in md and "### Binôme" in md and "cœur" in md
    assert "Population : 45\u202f000" in md
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
    assert "Brouillon — 15/01/2026" in text and "Brouillon n° 12" in text
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
    assert "- un point<br />" in html and "1. deux" in html  # still inside one list item, as text
