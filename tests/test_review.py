"""The review workflow through the engine: submission, comments by rubric (to the applicant or
private), changes requested, resubmission with what changed, approval; co-editors; who may do what.
No model (issue 17)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.review import workflow
from tests.dialog_support import lean_app_on
from tests.review_support import Person, fill_draft, submit

pytestmark = pytest.mark.lean


@pytest.fixture()
def app(tmp_path, index_dir):
    return lean_app_on(Settings(CANDIBOT_DB=tmp_path / "review.db", CANDIBOT_INDEX_DIR=index_dir,
                                CANDIBOT_REVIEWERS="anne, bea"))


@pytest.fixture()
def engine(app, tmp_path):
    return Engine(app, out_dir=tmp_path / "out")


@pytest.fixture()
def people(engine):
    return (Person(engine, "alice", "Alice"), Person(engine, "bob", "Bob"),
            Person(engine, "anne", "Anne"), Person(engine, "bea", "Béa"))


def document_text(path) -> str:
    if path.suffix == ".docx":
        from docx import Document

        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return path.read_text(encoding="utf-8")


def invite(owner: Person) -> str:
    owner.says("/inviter")
    invitation = next(r for r in owner.replies if r.start_payload)
    code = invitation.start_payload.removeprefix("join_")
    assert f"/rejoindre {code}" in invitation.text
    return code


def test_a_whole_cycle_with_a_co_editor_two_comments_changes_and_approval(engine, app, people):
    alice, bob, anne, bea = people
    number = fill_draft(alice)
    # the binôme was offered an invitation right after its step
    code = invite(alice)
    bob.says(f"/rejoindre {code}")
    assert "Vous rédigez maintenant la candidature n°" in bob.text
    assert "Bob a rejoint" in alice.inbox_text()
    bob.says("/modifier Titre du projet")
    bob.says("Dépôts sauvages : détection et tournées")
    assert "Bob a modifié « Titre du projet »" in alice.inbox_text()
    bob.says("/soumettre")
    assert "Seule la personne qui a créé la candidature peut la soumettre" in bob.text
    submit(alice)
    assert "est soumise" in alice.text
    assert "Alice a soumis" in bob.inbox_text()
    (note,) = anne.inbox()
    assert "Nouvelle candidature à relire" in note.reply.text and note.reply.document.suffix == ".docx"
    assert note.reply.document.stat().st_size > 0
    assert [b.value for b in note.reply.buttons] == [f"rv:{v}:{number}" for v in ("read", "comment", "changes", "approve")]
    assert bea.inbox()  # every reviewer is told

    # the reviewer presses the notification's button: it works from any message
    anne.presses(f"rv:comment:{number}", version=None)
    anne.presses("rvf:project.data")
    anne.says("Précisez combien de signalements par an.")
    anne.presses("rva:applicant")
    anne.presses(f"rv:comment:{number}")
    anne.presses("rvf:general")
    anne.says("Binôme solide, à suivre de près.")
    anne.presses("rva:private")
    assert "Note privée enregistrée" in anne.text
    told = alice.inbox_text() + bob.inbox_text()
    assert "Précisez combien de signalements par an." in told and "Binôme solide" not in told
    anne.presses(f"rv:changes:{number}", version=None)
    anne.says("Merci de préciser les données utilisées.")
    assert "Demande de modifications envoyée" in anne.text
    assert "Merci de préciser les données utilisées." in alice.inbox_text()

    # the applicant sees the comment (never the private note), edits, resubmits
    alice.says("/statut")
    assert "modifications demandées" in alice.text and "Précisez combien de signalements" in alice.text
    assert "Binôme solide" not in alice.text
    alice.says("/recap")
    assert "Précisez combien de signalements" in alice.text and "Binôme solide" not in alice.text
    for fmt in ("docx", "pdf", "md"):  # the exports meant for her show the comment, never the note
        alice.says(f"/export {fmt}")
        written = document_text(next(r.document for r in alice.replies if r.document))
        assert "Commentaires des relecteurs" in written and "Précisez combien de signalements par an." in written
        assert "Binôme solide" not in written
    alice.says("/modifier Données utilisées ou à collecter")
    alice.says("Les signalements de l'application, environ 300 par an, et les tournées")
    submit(alice)
    (again,) = anne.inbox()
    assert "resoumise" in again.reply.text
    assert "« Les signalements de l'application des habitants » → « Les signalements de l'application, environ 300 par an, et les tournées »" in again.reply.text
    assert "Titre du projet" not in again.reply.text.split("Ce qui a changé")[1]  # unchanged since the first submission

    anne.presses(f"rv:open:{number}", version=None)
    assert "Ce qui a changé depuis la soumission précédente" in anne.text
    anne.presses(f"rv:approve:{number}")
    assert "est validée" in anne.text
    assert "est validée par Anne" in alice.inbox_text()
    record = app.drafts.get(number)
    assert record.status == workflow.APPROVED
    actions = [(h["action"], h["from_status"], h["to_status"]) for h in app.review.rows.history(number)
               if h["to_status"] and h["action"] != "create"]
    assert actions == [("submit", "draft", "submitted"), ("request_changes", "submitted", "changes_requested"),
                       ("submit", "changes_requested", "submitted"), ("approve", "submitted", "approved")]
    edits = [(h["actor"], h["field"]) for h in app.review.rows.history(number) if h["action"] == "edit"]
    assert ("bob", "project.title") in edits and ("alice", "project.data") in edits
    request = app.review.rows.open_change_request(number)
    assert request is None  # resolved by the resubmission


def test_a_submitted_draft_is_frozen_until_withdrawn(engine, app, people):
    alice, *_ = people
    number = fill_draft(alice)
    submit(alice)
    alice.says("/modifier Titre du projet")
    assert "n'est plus modifiable pendant la relecture" in alice.text and "go:withdraw" in alice.buttons()
    alice.presses("go:withdraw")
    alice.presses("sub:withdraw")
    assert app.drafts.get(number).status == workflow.WITHDRAWN
    alice.says("/modifier Titre du projet")
    assert "Quel est le titre" in alice.text


def test_incomplete_draft_lists_what_is_missing_with_a_button_each(engine, people):
    alice, *_ = people
    alice.says("/candidature")
    alice.says("Communauté de communes du Val Vert")
    alice.says("/soumettre")
    assert "il reste à compléter" in alice.text and "edit:interco.departement" in alice.buttons()


def test_two_reviewers_deciding_at_once_the_second_is_told(engine, app, people):
    alice, _, anne, bea = people
    number = fill_draft(alice)
    submit(alice)
    anne.presses(f"rv:open:{number}", version=None)
    bea.presses(f"rv:open:{number}", version=None)
    anne.presses(f"rv:approve:{number}")
    bea.presses(f"rv:changes:{number}")
    assert "vient d'être traitée par Anne" in bea.text and "« validé »" in bea.text
    assert app.drafts.get(number).status == workflow.APPROVED


def test_only_the_reviewer_who_asked_cancels_the_request_and_the_comment_stays(engine, app, people):
    alice, _, anne, bea = people
    number = fill_draft(alice)
    submit(alice)
    anne.presses(f"rv:changes:{number}", version=None)
    anne.says("Ajoutez les indicateurs.")
    bea.presses(f"rv:cancel:{number}", version=None)
    assert "Seul le relecteur qui a demandé" in bea.text
    anne.presses(f"rv:cancel:{number}", version=None)
    assert "a de nouveau le statut « soumis »" in anne.text
    assert app.drafts.get(number).status == workflow.SUBMITTED
    assert [h["comment"] for h in app.review.rows.history(number) if h["action"] == "request_changes"] == ["Ajoutez les indicateurs."]


@pytest.mark.parametrize("attempt", ["guessed id", "forged button", "reviewer command"])
def test_nobody_reaches_a_draft_outside_their_scope(engine, app, people, attempt):
    alice, bob, anne, _ = people
    number = fill_draft(alice)
    before = app.drafts.get(number)
    if attempt == "guessed id":  # a reviewer guessing a draft that was never submitted, and one that does not exist
        anne.says(f"/relectures {number}")
        assert "Candidature introuvable." in anne.text
        anne.says("/relectures 999")
    elif attempt == "forged button":  # callback data naming another draft, sent by a non-reviewer
        submit(alice)
        bob.presses(f"rv:approve:{number}", version=None)
        assert "Candidature introuvable." in bob.text
        before = app.drafts.get(number)
    else:
        bob.says("/relectures")
        assert "réservée à l'équipe de relecture" in bob.text
    after = app.drafts.get(number)
    assert (after.status, after.version) == (before.status, before.version)
    refused = app.store.rows("SELECT actor, action FROM draft_history WHERE action LIKE 'refused:%'")
    assert refused, "each refusal is written down"


@pytest.mark.parametrize("case", ["used twice", "expired", "own", "unknown"])
def test_invitations_refused(engine, app, people, case):
    alice, bob, _, bea = people
    number = fill_draft(alice)
    code = invite(alice)
    if case == "used twice":
        bob.says(f"/rejoindre {code}")
        bea.says(f"/rejoindre {code}")
        assert "a déjà servi" in bea.text
        person = bea
    elif case == "expired":
        app.review.clock = lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8)
        bob.says(f"/rejoindre {code}")
        assert "a expiré" in bob.text
        person = bob
    elif case == "own":
        alice.says(f"/rejoindre {code}")
        assert "votre propre candidature" in alice.text
        person = alice
    else:
        bob.says("/rejoindre ZZZZZZZZ")
        assert "code d'invitation est inconnu" in bob.text
        person = bob
    members = [m["user_id"] for m in app.review.rows.members(number)]
    assert members == (["bob"] if case == "used twice" else [])
    assert app.review.workable(person.user, number) is None or person.user in ("alice", "bob")
    assert app.store.rows("SELECT 1 FROM draft_history WHERE action LIKE 'refused:invitation_%' AND actor = ?",
                          [person.user])


def test_a_deep_link_joins_too(engine, app, people):
    alice, bob, *_ = people
    number = fill_draft(alice)
    code = invite(alice)
    bob.says(f"/start join_{code}")
    assert "Vous rédigez maintenant la candidature" in bob.text
    assert app.review.workable("bob", number) is not None


def test_a_co_editors_answer_given_meanwhile_is_kept(engine, app, people):
    """Two people on one draft: each write merges its own fields into the stored draft."""
    alice, bob, *_ = people
    number = fill_draft(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    mine = app.review.workable("alice", number)          # Alice's turn has loaded the draft…
    before = mine.draft.model_copy(deep=True)
    bob.says("/modifier Titre du projet")
    bob.says("Un titre écrit par Bob pendant ce temps")  # …Bob's answer is committed meanwhile…
    mine.draft.set("project.results", "Des résultats écrits par Alice")
    with app.store.atomic():
        changed = app.review.save_edit(mine, before, "alice")  # …then Alice's turn commits
    stored = app.drafts.get(number).draft
    assert changed == ["project.results"]
    assert stored.get("project.title") == "Un titre écrit par Bob pendant ce temps"
    assert stored.get("project.results") == "Des résultats écrits par Alice"


def test_a_draft_submitted_or_erased_meanwhile_refuses_the_edit(engine, app, people):
    """Its version did not move, its status did: the edit is refused, not written into a frozen draft;
    nor into one that is gone."""
    alice, bob, *_ = people
    number = fill_draft(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    mine = app.review.workable("bob", number)            # Bob's turn has loaded the draft…
    before = mine.draft.clone()
    with app.store.atomic():
        app.review.transition(app.drafts.get(number), "alice", "submit")  # …Alice submits it meanwhile…
    mine.draft.set("project.results", "Des résultats écrits par Bob")
    with pytest.raises(workflow.Refused, match="frozen"), app.store.atomic():
        app.review.save_edit(mine, before, "bob")      # …then Bob's turn commits
    stored = app.drafts.get(number)
    assert stored.status == workflow.SUBMITTED and stored.version == mine.version
    assert stored.draft.get("project.results") != "Des résultats écrits par Bob"
    mine.id = number + 1000  # a draft that is no longer there
    with pytest.raises(workflow.Refused, match="not_found"), app.store.atomic():
        app.review.save_edit(mine, before, "bob")


def test_every_transition_of_the_table_and_only_those():
    statuses = (workflow.DRAFT, workflow.SUBMITTED, workflow.CHANGES_REQUESTED, workflow.APPROVED, workflow.WITHDRAWN)
    allowed = {(a, s) for a, t in workflow.TRANSITIONS.items() for s in t.sources}
    for action in workflow.TRANSITIONS:
        for status in statuses:
            if (action, status) in allowed:
                assert workflow.check(action, status, comment="x").target == workflow.TRANSITIONS[action].target
            else:
                with pytest.raises(workflow.Refused):
                    workflow.check(action, status, comment="x")
    with pytest.raises(workflow.Refused, match="comment_required"):
        workflow.check("request_changes", workflow.SUBMITTED, comment="  ")
    with pytest.raises(workflow.Refused, match="incomplete"):
        workflow.check("submit", workflow.DRAFT, complete=False)
    assert not workflow.editable(workflow.SUBMITTED) and not workflow.editable(workflow.APPROVED)


def test_a_database_of_the_previous_version_upgrades_in_place(tmp_path):
    """A file made with the schema before the review workflow (three migrations), with a draft
    of the legacy status « complete » and an old comment: it opens, and keeps everything."""
    from sqlite_utils import Database

    from bot.store import ReviewRows, Store
    from bot.store.migrations import MIGRATIONS, migrate

    path = tmp_path / "v3.db"
    old = Database(path)
    assert migrate(old, MIGRATIONS[:3]) == 3
    old.execute("INSERT INTO users (id, created_at, updated_at) VALUES ('u1', 'x', 'x')")
    old.execute("INSERT INTO drafts (id, user_id, status, title, data, version, created_at, updated_at) "
                "VALUES (1, 'u1', 'complete', 'T', '{}', 2, 'x', 'x')")
    old.execute("INSERT INTO review_comments (draft_id, author, body, created_at) VALUES (1, 'r', 'Bien.', 'x')")
    old.conn.commit()
    old.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert store.rows("SELECT status, version FROM drafts") == [{"status": "draft", "version": 2}]
    assert [(c["body"], c["private"], c["field"]) for c in ReviewRows(store).comments(1)] == [("Bien.", False, None)]
    assert store.rows("SELECT name FROM users") == [{"name": None}]


def test_the_team_command_line_shows_owner_co_editors_comments_and_history(engine, app, people, tmp_path):
    from tests.test_drafts_cli import run_cli

    alice, bob, anne, _ = people
    number = fill_draft(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    submit(alice)
    anne.presses(f"rv:comment:{number}", version=None)
    anne.presses("rvf:general")
    anne.says("À relire avec la direction.")
    anne.presses("rva:private")
    db = app.settings.db_path
    listed = run_cli(["drafts", "list", "--json"], db)
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["id"], row["status"], row["owner"], row["coeditors"]) == (number, "submitted", "alice", ["bob"])
    assert row["last_action"]["action"] == "note" and row["title"] == "Dépôts sauvages"
    table = run_cli(["drafts", "list"], db)
    assert "soumis" in table.stdout and "alice, bob" in table.stdout
    shown = run_cli(["drafts", "show", str(number)], db)
    assert shown.returncode == 0, shown.stderr
    assert "note privée de Anne" in shown.stdout and "À relire avec la direction." in shown.stdout
    assert "soumis (draft → submitted)" in shown.stdout
    detail = json.loads(run_cli(["drafts", "show", str(number), "--json"], db).stdout)
    assert detail["comments"][0]["private"] is True and [h["action"] for h in detail["history"]][-1] == "note"
    missing = run_cli(["drafts", "show", "999"], db)
    assert missing.returncode != 0 and "999" in missing.stderr


def test_reviewers_setting_names_telegram_ids_terminal_users_and_a_group():
    from bot.review import Reviewers

    reviewers = Reviewers.parse(" 12345, anne ,,", chat_id=-100777)
    assert "telegram:12345" in reviewers and "anne" in reviewers and "12345" in reviewers
    assert "telegram:999" not in reviewers and "bob" not in reviewers
    assert reviewers.recipients() == ["telegram:12345", "anne", "telegram:-100777"]
    assert Reviewers.parse("").recipients() == []


def start_draft_at_the_title(alice: Person) -> int:
    """Alice's draft, answered up to the project's title (the details left for later): she is asked the title."""
    alice.says("/candidature")
    for answer in ["Communauté de communes du Val Vert", "Ardèche", "/passer",
                   "Marie Dupont, cheffe de projet, marie@valvert.fr", "yes"]:
        alice.presses("form:yes") if answer == "yes" else alice.says(answer)
    assert "Quel est le titre" in alice.text
    return alice.engine.state("alice").form.draft_id


def test_a_co_editor_who_joins_is_asked_the_step_the_draft_is_at_and_answers_it(engine, app, people, tmp_path):
    """After /rejoindre, the co-editor is on the draft's current step, its question shown: what they
    type is the answer to that step (not a question to the assistant), as for the owner."""
    from tests.dialog_support import stored_draft

    alice, bob, *_ = people
    number = start_draft_at_the_title(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    assert f"Vous rédigez maintenant la candidature n° {number}" in bob.text
    assert "Quel est le titre" in bob.text and "Étape 6/15" in bob.text  # the owner's step, not the details left
    assert engine.state("bob").step == "form" and engine.state("bob").form.field == "project.title"
    bob.says("/aide")  # commands keep working, and the step is asked again
    assert "Quel est le titre" in bob.text
    bob.says("Dépôts sauvages")
    assert "(réponse à" not in bob.text  # not read as a question to the assistant
    assert stored_draft(app.settings.db_path, number).draft.get("project.title") == "Dépôts sauvages"
    assert "Étape 7/15" in bob.text and engine.state("bob").form.field == "project.domains"
    assert "Bob a modifié « Titre du projet »" in alice.inbox_text()
    bob.says("/annuler")  # the way back to the menu, as for the owner (there is no /menu command)
    assert engine.state("bob").step == "menu" and engine.state("bob").form.draft_id == number


def test_owner_and_co_editor_alternating_each_sees_the_latest_answers(engine, app, people):
    """Each answer is committed before its reply; the other, acting next, goes on from the stored draft
    and never replaces silently an answer given meanwhile to the question they were shown."""
    from tests.dialog_support import stored_draft

    def stored(field):
        return stored_draft(app.settings.db_path, number).draft.get(field)

    alice, bob, *_ = people
    number = start_draft_at_the_title(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    bob.says("Dépôts sauvages")  # Bob answers the title Alice is shown: committed before his reply
    assert stored("project.title") == "Dépôts sauvages"
    alice.says("Un autre titre")  # Alice, who had not seen it, types her own
    assert stored("project.title") == "Dépôts sauvages"  # not replaced silently
    assert "« Dépôts sauvages »" in alice.text and {"form:mine", "form:continue"} <= set(alice.buttons())
    alice.presses("form:continue")  # she keeps Bob's title and goes on
    assert "Étape 7/15" in alice.text and engine.state("alice").form.field == "project.domains"
    alice.says("déchets")
    domains = stored("project.domains")
    assert domains and engine.state("alice").form.field == "project.policy"
    bob.says("mobilité")  # Bob was shown the domains, answered by Alice meanwhile: he is asked first
    assert stored("project.domains") == domains
    bob.presses("form:mine")  # he replaces her answer with his, knowingly
    assert stored("project.domains") != domains and "mobilit" in str(stored("project.domains")).lower()
    assert engine.state("bob").form.field == "project.policy"
    alice.says("Notre politique de propreté des espaces publics")  # still unanswered: stored at once
    assert stored("project.policy") == "Notre politique de propreté des espaces publics"
    assert "Bob a modifié « Domaine(s) »" in alice.inbox_text()  # told of the replacement
    bob.says("Une politique écrite par Bob")  # Bob's step was answered by Alice meanwhile
    assert stored("project.policy") == "Notre politique de propreté des espaces publics"
    bob.presses("form:continue")  # the next step left: the one Alice is on, asked to both
    assert engine.state("bob").form.field == engine.state("alice").form.field == "project.description"


@pytest.mark.parametrize("owner_is", ["at the menu", "done", "submitted"])
def test_a_co_editor_joining_a_draft_its_owner_is_not_writing(engine, app, people, owner_is):
    """The owner left the form: the co-editor is asked the first field left (those the owner left
    for later last); a complete draft shows its recap; a submitted one is said frozen."""
    alice, bob, *_ = people
    if owner_is == "at the menu":
        number = start_draft_at_the_title(alice)
        alice.says("/annuler")
    else:
        number = fill_draft(alice)
        if owner_is == "submitted":
            submit(alice)
    bob.says(f"/rejoindre {invite(alice)}")
    assert f"Vous rédigez maintenant la candidature n° {number}" in bob.text
    state = engine.state("bob")
    if owner_is == "at the menu":
        assert (state.step, state.form.field, state.form.skipped) == ("form", "project.title", ["interco.details"])
        bob.says("Dépôts sauvages")
        assert app.drafts.get(number).draft.get("project.title") == "Dépôts sauvages"
    elif owner_is == "done":
        assert state.step == "recap" and "Dépôts sauvages" in bob.text
    else:
        assert state.step == "menu" and "n'est plus modifiable" in bob.text
    assert app.review.workable("bob", number) is not None
