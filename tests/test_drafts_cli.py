"""`candibot drafts list` and `candibot export` as an operator runs them: real subprocesses over a real
SQLite file. A person reads French statuses; `--json` keeps the stored value (the contract)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from docx import Document
from pypdf import PdfReader

from bot.candidature import Draft
from bot.candidature.status import STATUSES, status_label
from bot.store import DraftRows, Store

LABELS = {
    "draft": "brouillon",
    "submitted": "soumis",
    "changes_requested": "modifications demandées",
    "approved": "validé",
    "withdrawn": "retiré",
}


def run_cli(args, db, columns=200):
    environment = {**os.environ, "CANDIBOT_DB": str(db), "COLUMNS": str(columns), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, timeout=120)


@pytest.fixture()
def db(tmp_path):
    """One draft per status, each titled after its status so that a row can be found."""
    path = tmp_path / "candibot.db"
    store = Store(path)
    for n, status in enumerate(LABELS):
        data = {"project": {"title": f"Projet {n}"}, "interco": {"name": "Communauté de communes du Val Vert"}}
        DraftRows(store).create(f"u{n}", data, title=f"Projet {n}", status=status)
    store.close()
    return path


def test_every_status_of_the_contract_has_its_french_label():
    assert set(STATUSES) == set(LABELS)
    for status, label in LABELS.items():
        assert status_label(status) == label
    assert status_label("archived_by_hand") == "archived_by_hand"  # unknown: shown as stored, not guessed


def test_drafts_list_shows_french_statuses(db):
    done = run_cli(["drafts", "list"], db)
    assert done.returncode == 0, done.stderr
    rows = {}
    for line in done.stdout.splitlines():
        match = re.search(r"Projet (\d)", line)
        if match:
            rows[int(match.group(1))] = line
    assert len(rows) == len(LABELS)
    for n, (status, label) in enumerate(LABELS.items()):
        cells = [cell.strip() for cell in re.split(r"[│|]", rows[n])]
        assert label in cells, (status, rows[n])
    for raw in ("submitted", "changes_requested", "approved", "withdrawn"):
        assert not re.search(rf"\b{raw}\b", done.stdout)


def test_drafts_list_in_a_narrow_terminal_keeps_the_labels_whole(db):
    done = run_cli(["drafts", "list"], db, columns=80)
    assert done.returncode == 0, done.stderr
    words = set(re.findall(r"\w+…?", done.stdout))
    for label in LABELS.values():
        assert set(label.split()) <= words, label  # a label may wrap between its words, never be cut


def test_drafts_list_json_keeps_the_stored_status_and_adds_its_label(db):
    done = run_cli(["drafts", "list", "--json"], db)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert {row["status"]: row["status_label"] for row in rows} == LABELS
    assert all({"id", "title", "status", "owner", "version", "coeditors", "last_action"} <= set(row) for row in rows)
    done = run_cli(["drafts", "list", "--json", "--status", "approved"], db)
    assert [json.loads(line)["status"] for line in done.stdout.splitlines()] == ["approved"]


def test_export_command_shows_number_version_status_and_date_from_the_store(tmp_path):
    db = tmp_path / "candibot.db"
    store = Store(db)
    draft = Draft()
    draft.set("project.title", "Détecter les dépôts sauvages")
    draft_id = DraftRows(store).create("u1", draft.model_dump(mode="json"), title="Détecter les dépôts sauvages")
    draft.set("project.description", "Première ligne.\nDeuxième ligne.")
    DraftRows(store).save(draft_id, draft.model_dump(mode="json"), status="submitted")
    stored = DraftRows(store).get(draft_id)
    store.close()
    day = "/".join(reversed(stored.updated_at[:10].split("-")))

    done = run_cli(["export", str(draft_id), "--format", "pdf", "-o", str(tmp_path / "out" / "c.pdf")], db)
    assert done.returncode == 0, done.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(str(tmp_path / "out" / "c.pdf")).pages)
    assert f"Brouillon n° {draft_id} · version 2" in text
    assert f"Statut : soumis · mis à jour le {day}" in text

    done = run_cli(["export", str(draft_id), "--format", "docx", "-o", str(tmp_path / "c.docx")], db)
    assert done.returncode == 0, done.stderr
    paragraphs = [p.text for p in Document(str(tmp_path / "c.docx")).paragraphs]
    assert "Première ligne." in paragraphs and "Deuxième ligne." in paragraphs
    assert any(f"Brouillon n° {draft_id} · version 2" in p and "Statut : soumis" in p for p in paragraphs)

    done = run_cli(["export", "999", "--format", "md", "-o", str(tmp_path / "x.md")], db)
    assert done.returncode != 0 and "Aucun brouillon n’a le numéro 999" in done.stderr
