"""Personal data (issue 18): the notice at first contact, /confidentialite, /mes_donnees, /supprimer
(no readable remnant in the database file), the rule for shared drafts, retention and reminders, and
`candibot privacy`. Through the engine with the fake answerer (no model)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.privacy import Privacy
from tests.dialog_support import lean_app_on
from tests.review_support import Person, fill_draft, submit

pytestmark = pytest.mark.lean
EMAIL = "marie@valvert.fr"  # typed by Alice in her draft (tests/review_support.py)


@pytest.fixture()
def app(tmp_path, index_dir):
    return lean_app_on(Settings(CANDIBOT_DB=tmp_path / "privacy.db", CANDIBOT_INDEX_DIR=index_dir,
                                CANDIBOT_REVIEWERS="anne", CANDIBOT_CONTROLLER="Communauté de communes du Val Vert",
                                CANDIBOT_DPO_CONTACT="dpo@valvert.example"))


@pytest.fixture()
def engine(app, tmp_path):
    return Engine(app, out_dir=tmp_path / "out")


def test_the_notice_comes_at_first_contact_before_any_personal_data(engine, app):
    newcomer = Person(engine, "newcomer")
    newcomer.says("/candidature")  # straight to the form, without /start
    text = newcomer.text
    assert "/confidentialite" in text and text.index("/confidentialite") < text.index("Étape 1/")
    newcomer.says("/start")
    assert "/confidentialite" not in newcomer.text  # once is enough
    other = Person(engine, "other")
    other.says("/start")
    assert "Vos messages et vos réponses sont conservés" in other.text
    other.says("/confidentialite")
    assert "Communauté de communes du Val Vert" in other.text and "dpo@valvert.example" in other.text
    assert "90 jours" in other.text and "365 jours" in other.text and "/supprimer" in other.text


def test_an_unconfigured_notice_says_so(tmp_path, index_dir):
    app = lean_app_on(Settings(CANDIBOT_DB=tmp_path / "x.db", CANDIBOT_INDEX_DIR=index_dir))
    text = Privacy(app).notice()
    assert text.count("pas encore renseigné par l'équipe qui exploite ce service") == 2


def test_the_binome_step_says_to_inform_the_people_named():
    from bot.candidature import form

    assert "Prévenez les personnes que vous nommez" in form.field("binome.referent_data").question


def test_my_data_is_a_json_file_of_everything_but_reviewers_private_notes(engine, app):
    alice, anne = Person(engine, "alice", "Alice"), Person(engine, "anne", "Anne")
    number = fill_draft(alice)
    submit(alice)
    anne.presses(f"rv:comment:{number}", version=None)
    anne.presses("rvf:project.data")
    anne.says("Précisez les sources.")
    anne.presses("rva:applicant")
    anne.presses(f"rv:comment:{number}", version=None)
    anne.presses("rvf:general")
    anne.says("Note interne sur ce dossier.")
    anne.presses("rva:private")
    alice.says("/mes_donnees")
    (document,) = [r.document for r in alice.replies if r.document]
    data = json.loads(document.read_text(encoding="utf-8"))
    assert data["user"]["id"] == "alice" and data["user"]["name"] == "Alice"
    (draft,) = data["drafts_owned"]
    assert draft["id"] == number and draft["data"]["contact"]["email"] == EMAIL and len(draft["versions"]) > 10
    assert [c["body"] for c in draft["comments"]] == ["Précisez les sources."]
    assert "Note interne" not in document.read_text(encoding="utf-8")
    assert any(m["text"] == "Dépôts sauvages" for m in data["messages"])
    assert any("Précisez les sources." in n["payload"]["text"] for n in data["notifications"])
    assert oct(document.stat().st_mode & 0o777) == "0o600"


def raw_bytes(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_erasure_leaves_no_readable_remnant_and_keeps_a_shared_draft_with_its_owner(engine, app, tmp_path):
    alice, bob = Person(engine, "alice", "Alice"), Person(engine, "bob", "Bobette")
    mine = fill_draft(alice)
    alice.says("/export docx")
    exported = next(r.document for r in alice.replies if r.document)
    # Bob owns a draft too, and co-edits Alice's
    alice.says("/inviter")
    code = next(r for r in alice.replies if r.start_payload).start_payload.removeprefix("join_")
    bob.says(f"/rejoindre {code}")
    bob.says("/modifier Titre du projet")
    bob.says("Un titre de Bobette")
    db = app.settings.db_path
    assert EMAIL.encode() in raw_bytes(db)

    alice.says("/supprimer")
    assert "Effacer toutes vos données ?" in alice.text
    alice.presses("priv:erase")
    assert "toutes vos données sont effacées" in alice.text
    assert app.drafts.get(mine) is None and not exported.exists()
    for table in ("events", "replies", "dialog_state", "users", "asked", "drafts"):
        assert not app.store.rows(f"SELECT 1 FROM {table} WHERE {'id' if table == 'users' else 'user_id'} = 'alice'"), table
    assert EMAIL.encode() not in raw_bytes(db)  # the file and its WAL: VACUUM, secure_delete, checkpoint
    assert b"Alice" not in raw_bytes(db) and b"Jean Martin" not in raw_bytes(db)  # her name, her binome's

    # a co-editor erased: the draft stays with its owner, their id leaves its history
    carla, dan = Person(engine, "carla", "Carla"), Person(engine, "dan", "Dankowski")
    hers = fill_draft(carla)
    carla.says("/inviter")
    code = next(r for r in carla.replies if r.start_payload).start_payload.removeprefix("join_")
    dan.says(f"/rejoindre {code}")
    dan.says("/modifier Titre du projet")
    dan.says("Un titre proposé par le binôme")
    dan.says("/supprimer")
    dan.presses("priv:erase")
    kept = app.drafts.get(hers)
    assert kept is not None and kept.owner == "carla" and kept.title == "Un titre proposé par le binôme"
    actors = {h["actor"] for h in app.review.rows.history(hers)}
    assert "dan" not in actors and "[supprimé]" in actors
    assert app.review.rows.members(hers) == []
    assert b"Dankowski" not in raw_bytes(db)  # his name is gone, from the history and the messages to Carla


def test_retention_notice_purge_and_reminders(engine, app):
    alice, bea = Person(engine, "alice"), Person(engine, "bea")
    kept_draft = fill_draft(alice)
    bea.says("/candidature")
    bea.says("Communauté d'agglomération du Lac")
    idle = bea.engine.state("bea").form.draft_id
    submit(alice)
    now = dt.datetime.now(dt.timezone.utc)
    app.settings.reminder_days = 10

    later = Privacy(app, clock=lambda: now + dt.timedelta(days=12))
    done = later.daily()
    assert done["reminders"] == 1  # Béa's draft, not Alice's submitted one
    assert "attend depuis 10 jours" in "\n".join(n.reply.text for n in engine.pending("bea"))
    assert later.daily()["reminders"] == 0  # once per idle spell
    engine.delivered(engine.pending("bea"))

    noticed = Privacy(app, clock=lambda: now + dt.timedelta(days=352))
    done = noticed.daily()
    assert done["events"] > 0  # every raw input is older than 90 days
    assert done["notices"] == 2 and done["drafts"] == 0
    assert "sera effacé dans 14 jours" in "\n".join(n.reply.text for n in engine.pending("bea"))
    assert noticed.daily()["notices"] == 0
    gone = Privacy(app, clock=lambda: now + dt.timedelta(days=366)).daily()
    assert gone["drafts"] == 2 and app.drafts.get(idle) is None and app.drafts.get(kept_draft) is None
    assert app.conversations.events() == []  # every raw input is older than 90 days by then


def test_candibot_privacy_export_erase_and_purge(engine, app, tmp_path):
    from tests.test_drafts_cli import run_cli

    number = fill_draft(Person(engine, "alice"))
    db = app.settings.db_path
    out = tmp_path / "alice.json"
    done = run_cli(["privacy", "export", "alice", "-o", str(out)], db)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["drafts_owned"][0]["id"] == number
    assert run_cli(["privacy", "export", "nobody", "-o", str(out)], db).returncode != 0
    done = run_cli(["privacy", "purge"], db)
    assert done.returncode == 0 and "Conservation appliquée" in done.stdout
    done = run_cli(["privacy", "erase", "alice", "--yes"], db)
    assert done.returncode == 0 and "effacées (1 brouillon" in done.stdout
    assert app.drafts.get(number) is None
