"""`candibot drafts export-all`: every draft in one spreadsheet for the team, read back as Excel would
(openpyxl for the XLSX, the csv module for the CSV), over a real SQLite file. A cell a user typed is
never a formula, whatever it starts with (OWASP « CSV injection »)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.candidature import form
from bot.cli import main
from bot.export.table import CSV_DIALECT, neutralise
from bot.prompts import say, texts
from bot.store import DraftRows, Store

HOSTILE = {  # typed as a project title: each would start a formula in a spreadsheet
    "=": '=HYPERLINK("http://x","y")',
    "+": "+33 6 12 34 56 78",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}
META = [str(texts("cli")["export_all_columns"][k]) for k in ("id", "status", "owner", "version", "created_at", "updated_at")]
HEADERS = META + [f.label for f in form.FIELDS]
TITLE, DOMAINS, CONTACT = (HEADERS.index(form.field(n).label) for n in ("project.title", "project.domains", "contact"))


@pytest.fixture()
def cli_db(tmp_path, monkeypatch):
    """CANDIBOT_DB for in-process commands (the settings are read again)."""
    from bot.config import get_settings

    path = tmp_path / "candibot.db"
    monkeypatch.setenv("CANDIBOT_DB", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture()
def drafts_db(cli_db):
    """A normal draft, then one draft per hostile title (the second one submitted)."""
    store = Store(cli_db)
    rows = DraftRows(store)
    rows.create("alice", {
        "interco": {"name": "Communauté de communes du Val Vert", "departement": "26"},
        "contact": {"name": "Alice Martin", "role": "Chargée de mission", "email": "alice@val-vert.fr"},
        "project": {"title": "Dépôts sauvages", "domains": ["déchets", "environnement"],
                    "description": "Repérer les dépôts.\nPuis les tournées."},
    }, title="Dépôts sauvages")
    for n, title in enumerate(HOSTILE.values()):
        rows.create(f"u{n}", {"project": {"title": title}}, title=title, status="submitted" if n == 0 else "draft")
    store.close()
    return cli_db


def export_all(fmt, path):
    return CliRunner().invoke(main, ["drafts", "export-all", "--format", fmt, "-o", str(path)])


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_neutralise_prefixes_every_formula_start_and_leaves_the_rest():
    for text in HOSTILE.values():
        assert neutralise(text) == "'" + text
    assert neutralise("  =1+1") == "'  =1+1"  # spaces before do not hide it
    assert neutralise("\n-1") == "'\n-1"
    for text in ("Dépôts sauvages", "", "a=b", "e-mail : a@b.fr", "'déjà"):
        assert neutralise(text) == text
    assert neutralise(3) == 3 and neutralise(None) is None


def test_xlsx_has_the_headers_one_row_per_draft_and_no_formula(drafts_db, tmp_path):
    path = tmp_path / "brouillons.xlsx"
    done = export_all("xlsx", path)
    assert done.exit_code == 0, done.output
    assert done.output.strip() == say("cli", "exported_all", path=path, count=1 + len(HOSTILE))
    sheet = load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == list(range(1, 2 + len(HOSTILE)))  # every draft, by number
    first = rows[1]
    assert first[1] == "brouillon" and first[2] == "alice" and first[3] == 1
    assert first[TITLE] == "Dépôts sauvages" and first[DOMAINS] == "déchets, environnement"
    assert "Alice Martin" in first[CONTACT] and "alice@val-vert.fr" in first[CONTACT]
    assert rows[2][1] == "soumis"
    for row, (start, text) in zip(rows[2:], HOSTILE.items()):
        assert row[TITLE] == "'" + text, start  # text, kept whole, behind a quote
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f", cell.coordinate  # nothing stored as a formula
    hostile = sheet.cell(row=3, column=TITLE + 1)
    assert hostile.data_type == "s" and hostile.value.startswith("'=HYPERLINK")
    with zipfile.ZipFile(path) as book:  # what Excel reads: no formula element anywhere
        xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml


def test_csv_reads_back_with_the_csv_module_as_excel_opens_it_in_french(drafts_db, tmp_path):
    path = tmp_path / "brouillons.csv"
    done = export_all("csv", path)
    assert done.exit_code == 0, done.output
    assert CSV_DIALECT["delimiter"] == ";"
    rows = read_csv(path)
    assert rows[0] == HEADERS
    assert len(rows) == 2 + len(HOSTILE)
    assert rows[1][TITLE] == "Dépôts sauvages" and rows[1][1] == "brouillon"
    assert "Repérer les dépôts.\nPuis les tournées." in rows[1]  # line breaks kept inside the cell
    for row, text in zip(rows[2:], HOSTILE.values()):
        assert row[TITLE] == "'" + text
    assert b"\r\n" in path.read_bytes()  # Excel's line ends


def test_an_empty_database_gives_the_headers_alone(cli_db, tmp_path):
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"vide.{fmt}"
        done = export_all(fmt, path)
        assert done.exit_code == 0, done.output
        assert done.output.strip() == say("cli", "exported_all", path=path, count=0)
    assert [list(r) for r in load_workbook(tmp_path / "vide.xlsx").active.iter_rows(values_only=True)] == [HEADERS]
    assert read_csv(tmp_path / "vide.csv") == [HEADERS]


def test_a_bad_path_gets_a_clear_french_error_and_writes_nothing(drafts_db, tmp_path):
    reasons = texts("cli")["export_all_reasons"]
    a_file = tmp_path / "note.txt"
    a_file.write_text("x", encoding="utf-8")
    for path, reason in ((tmp_path, "is_a_folder"), (a_file / "brouillons.xlsx", "not_a_folder")):
        done = export_all("xlsx", path)
        assert done.exit_code == 1
        assert say("cli", "export_all_bad_path", path=path, reason=reasons[reason]) in done.output
        assert "Traceback" not in done.output
    assert not [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx" or p.name.startswith(".export")]
    done = export_all("ods", tmp_path / "x.ods")
    assert done.exit_code == 2 and "xlsx" in done.output


def test_parent_folders_are_made_and_the_command_runs_as_installed(drafts_db, tmp_path):
    path = tmp_path / "equipe" / "brouillons.csv"
    environment = {**os.environ, "CANDIBOT_DB": str(drafts_db)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "drafts", "export-all", "--format", "csv", "-o", str(path)],
                          capture_output=True, text=True, encoding="utf-8", env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(read_csv(path)) == 2 + len(HOSTILE)


def test_the_command_has_french_help():
    shown = " ".join(CliRunner().invoke(main, ["drafts", "export-all", "--help"]).output.split())
    for key in ("help_export_all_format", "help_export_all_output"):
        assert " ".join(say("cli", key).split()) in shown
