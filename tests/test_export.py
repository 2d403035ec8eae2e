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
    return draft


@pytest.fixture()
def partial_draft():
    draft = Draft()
    draft.set("project.title", "Détecter les dépôts sauvages")
    return draft


def test_file_names_are_readable_ascii(full_draft):
    assert safe_filename(full_draft, "docx") == "candidature-oeuvrer-pour-la-qualite-de-leau-potable.docx"
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
