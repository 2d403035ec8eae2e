"""`candibot stats`: questions and ideas recorded by the engine in the turn that answers them, then
counted for the team over the same SQLite file: drafts by status, questions asked, the unanswered ones
grouped (case, accents, punctuation and spaces do not count), ideas by verdict. No personal data comes
out: no user id, and e-mail addresses and phone numbers in a question are masked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.dialog import Engine
from bot.dialog.scene import Scene
from bot.dialog.scenes import SCENES
from bot.dialog.scenes.question import answer
from bot.prompts import say, texts
from bot.stats import scrub
from bot.store import DraftRows, Store
from bot.store.asked import AskedLog
from bot.store.migrations import MIGRATIONS, migrate

pytestmark = pytest.mark.lean  # not about answers: a fake answerer and the fake checker, no model

PEOPLE = ("claire.dupont", "marc-4242", "7719354012")  # a terminal name, another, a Telegram-like id
MASKS = texts("cli")["stats_masks"]


class Answerer:
    """Answers from the entry « gratuite », except questions about parking or the jury (abstains)."""

    def answer(self, question: str):
        abstained = any(w in question.lower() for w in ("parking", "jury"))
        sources = [] if abstained else [SimpleNamespace(id="gratuite", title="Gratuité", score=0.9)]
        return SimpleNamespace(answer=f"(réponse à : {question})", abstained=abstained, sources=sources)


def _answer_then_fail(turn, args):
    answer(turn, args)
    raise RuntimeError("after the answer, before the end of the turn")


FAILING = Scene(name="failing", commands={"casse": _answer_then_fail})


@pytest.fixture()
def db(lean_app):
    lean_app.__dict__["answerer"] = Answerer()
    return lean_app.settings.db_path


@pytest.fixture()
def engine(lean_app, db, tmp_path):
    return Engine(lean_app, out_dir=tmp_path / "out", scenes=[*SCENES, FAILING])


@pytest.fixture()
def cli_env(db, monkeypatch):
    from bot.config import get_settings

    monkeypatch.setenv("CANDIBOT_DB", str(db))
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def stats(*args):
    done = CliRunner().invoke(main, ["stats", *args], env={"COLUMNS": "200"})  # one table row a line
    assert done.exit_code == 0, done.output
    return done.output


def converse(engine):
    """Three people: questions answered and not (near-identical ones among them), ideas checked."""
    claire, marc, third = PEOPLE
    engine.handle(claire, "/start")
    engine.handle(claire, "C'est gratuit ?")  # free text at the menu: a question
    engine.handle(claire, "/question Où se garer ? Y a-t-il un parking ?")
    engine.handle(marc, "/question  où se garer, y a t il un PARKING  ")  # the same, in other case and marks
    engine.handle(third, "/question Où se garer ? Y a-t-il un parking ?")
    engine.handle(marc, "/question Qui est dans le jury ? écrivez-moi à marc.durand@cc-val-vert.fr ou au 06 12 34 56 78")
    engine.handle(third, "/question Le jury lit-il le [b]gras[/b] ?")  # typed markup stays text
    engine.handle(claire, "/eligibilite Réduire les dépôts sauvages avec les données de collecte")
    engine.handle(marc, "/eligibilite Ouvrir un portail open data")
    engine.handle(third, "/eligibilite Optimiser les tournées de déchets")


def test_the_engine_records_each_question_and_idea_with_its_input(engine, db, user):
    engine.handle(user, "/question C'est gratuit ?")
    engine.handle(user, "/question Un parking ?")
    engine.handle(user, "/eligibilite Ouvrir un portail open data")
    store = Store(db)
    rows = AskedLog(store).rows()
    events = {e["id"]: e for e in store.rows("SELECT * FROM events")}
    store.close()
    assert [(r["kind"], r["text"], r["outcome"], r["ref"]) for r in rows] == [
        ("question", "C'est gratuit ?", "answered", "gratuite"),
        ("question", "Un parking ?", "abstained", None),
        ("idea", "Ouvrir un portail open data", "not_priority", None),
    ]
    assert all(r["user_id"] == user for r in rows)
    assert [events[r["event_id"]]["args"] for r in rows] == ["C'est gratuit ?", "Un parking ?", "Ouvrir un portail open data"]


def test_a_description_typed_in_the_form_counts_as_an_idea_checked(engine, db, user):
    from bot.candidature import form
    from tests.dialog_support import press

    press(engine, user, engine.handle(user, "/start"), "go:draft")
    while engine.state(user).form.field != form.DESCRIPTION_FIELD:
        engine.handle(user, "/passer")  # every question may wait
    engine.handle(user, "Ouvrir un portail open data pour nos communes")
    store = Store(db)
    rows = AskedLog(store).rows()
    store.close()
    assert [(r["kind"], r["outcome"]) for r in rows] == [("idea", "not_priority")]


def test_a_turn_that_fails_records_nothing(engine, db, user):
    engine.handle(user, "/casse Un parking ?")
    store = Store(db)
    assert AskedLog(store).rows() == []
    store.close()


def test_stats_json_counts_and_groups(engine, cli_env):
    converse(engine)
    store = Store(cli_env)
    DraftRows(store).create("claire.dupont", {"project": {"title": "Dépôts"}}, title="Dépôts", status="submitted")
    DraftRows(store).create("marc-4242", {}, status="draft")
    store.close()
    result = json.loads(stats("--json"))
    assert result["drafts"] == {"total": 2, "by_status": {"draft": 1, "submitted": 1, "changes_requested": 0,
                                                          "approved": 0, "withdrawn": 0}}
    assert result["questions"]["asked"] == 6
    assert result["questions"]["answered"] == 1 and result["questions"]["unanswered"] == 5
    groups = result["questions"]["unanswered_groups"]
    assert groups[0] == {"question": "Où se garer ? Y a-t-il un parking ?", "count": 3, "people": 3}
    assert groups[1]["count"] == 1 and groups[1]["people"] == 1
    assert groups[1]["question"] == f"Qui est dans le jury ? écrivez-moi à {MASKS['email']} ou au {MASKS['phone']}"
    assert len(groups) == 3
    assert result["ideas"] == {"checked": 3, "by_verdict": {"eligible": 2, "to_clarify": 0, "not_priority": 1,
                                                            "not_eligible": 0}}


def test_stats_text_is_french_and_holds_no_personal_data(engine, cli_env):
    converse(engine)
    out = stats()
    for text in (say("cli", "stats_drafts_title"), say("cli", "stats_unanswered_title"), say("cli", "stats_ideas_title"),
                 say("cli", "stats_questions", asked=6, answered=1, unanswered=5), "Où se garer ? Y a-t-il un parking ?",
                 "brouillon", "modifications demandées", "éligible", "recevable, non prioritaire",
                 f"écrivez-moi à {MASKS['email']} ou au {MASKS['phone']}", "[b]gras[/b] ?"):
        assert text in out, text
    lines = [line for line in out.splitlines() if "parking" in line]
    assert len(lines) == 1 and "3" in lines[0]  # one group, asked three times
    for raw in ("changes_requested", "not_priority", "to_clarify"):
        assert raw not in out
    for output in (out, stats("--json")):
        for person in PEOPLE:
            assert person not in output
        assert "marc.durand" not in output and "@cc-val-vert" not in output and "56 78" not in output


def test_an_empty_database(cli_env):
    result = json.loads(stats("--json"))
    assert result["drafts"]["total"] == 0 and set(result["drafts"]["by_status"].values()) == {0}
    assert result["questions"] == {"asked": 0, "answered": 0, "unanswered": 0, "unanswered_groups": []}
    assert result["ideas"]["checked"] == 0
    out = stats()
    assert say("cli", "stats_no_unanswered") in out
    assert say("cli", "stats_questions", asked=0, answered=0, unanswered=0) in out


def test_scrub_masks_emails_and_phone_numbers_only():
    email, phone = MASKS["email"], MASKS["phone"]
    for number in ("06 12 34 56 78", "06.12.34.56.78", "0612345678", "+33 6 12 34 56 78", "+33612345678",
                   "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "01-23-45-67-89", "+44 20 7946 0958"):
        assert scrub(f"appelez le {number} svp") == f"appelez le {phone} svp", number
    assert scrub("a.b-c+d@sous.domaine.fr, ok") == f"{email}, ok"
    for kept in ("SIREN 200 068 500", "budget de 150 000 €", "en 2026 ou 2027", "les 12 communes", "+ 3 agents"):
        assert scrub(kept) == kept
    assert scrub("deux\n lignes  ") == "deux lignes"


def test_stats_runs_as_installed_on_a_database_of_the_previous_schema(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "v3.db"
    old = Database(path)
    assert migrate(old, MIGRATIONS[:3]) == 3
    old.close()
    environment = {**os.environ, "CANDIBOT_DB": str(path)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "stats", "--json"], capture_output=True, text=True,
                          encoding="utf-8", env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["questions"]["asked"] == 0
    assert "asked" in Database(path).table_names()


def test_the_command_has_french_help():
    shown = " ".join(CliRunner().invoke(main, ["stats", "--help"]).output.split())
    assert " ".join(say("cli", "help_stats_json").split()) in shown
    assert "stats" in CliRunner().invoke(main, ["--help"]).output
