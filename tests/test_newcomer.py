"""The conversation as a newcomer lives it, through `candibot chat` as a subprocess (the real model):
the first screen, a question typed in the middle of the form, small talk, a field left for later."""

from __future__ import annotations


import pytest

from bot.candidature import form
from bot.prompts import say, texts
from tests.chat_support import Chat, chat_env, number_of
from tests.dialog_support import stored_draft, stored_session

pytestmark = pytest.mark.slow

REFUSAL = say("answers", "abstain")[:40]


@pytest.fixture(autouse=True)
def _index_built(retriever):
    """The session's index is built (and the model loaded once) before any chat subprocess starts."""


def fill_until(chat: Chat, db, user: str, stop) -> str:
    """Answer each field with its own example until `stop(session)`; the last screen."""
    screen = ""
    for _ in range(40):
        session = stored_session(db, user)
        if stop(session):
            return screen
        if session.step == "confirm":
            screen = chat.send("Oui, c'est correct")
        elif session.step == "eligibility":
            screen = chat.send("Continuer quand même")
        else:
            screen = chat.send(form.field(session.form.field).example)
    raise AssertionError(screen)


def test_the_first_screen_of_a_new_user_is_the_welcome_and_the_menu(tmp_path, index_dir):
    chat = Chat(chat_env(tmp_path / "c.db", index_dir), "nouvelle")
    screen = chat.first_screen
    assert say("dialog", "welcome").splitlines()[0] in screen
    assert "[1] Poser une question" in screen and "[3] Rédiger / reprendre ma candidature" in screen
    assert "[5] Aide" in screen
    chat.close()


def test_a_returning_user_is_shown_the_step_they_were_at(tmp_path, index_dir):
    db = tmp_path / "c.db"
    env = chat_env(db, index_dir)
    first = Chat(env, "retour")
    first.send("/candidature")
    first.send("Communauté de communes du Val Vert")  # the name; the département is asked next
    first.close()
    again = Chat(env, "retour")
    assert texts("dialog")["welcome_back"] in again.first_screen
    assert "Étape 2/15 — Dans quel département" in again.first_screen  # asked again before any typing
    out = again.send("35")
    assert stored_draft(db, stored_session(db, "retour").form.draft_id).draft.get("interco.departement") == "Ille-et-Vilaine (35)"
    assert "Étape 4/15" in out
    again.send("/annuler")
    again.close()
    third = Chat(env, "retour")  # back at the menu, with a draft under way
    assert "[3] Reprendre ma candidature" in third.first_screen
    third.close()


def test_a_question_typed_at_the_description_is_answered_and_the_step_asked_again(tmp_path, index_dir):
    db = tmp_path / "c.db"
    chat = Chat(chat_env(db, index_dir), "hâte")
    chat.send("/candidature")
    fill_until(chat, db, "hâte", lambda s: s.form.field == form.DESCRIPTION_FIELD)
    out = chat.send("Au fait, quelle est la date limite pour candidater ?")
    assert "28 février 2024" in out  # the deadline, from the knowledge base
    assert "Étape 9/15 — Décrivez le projet" in out  # the same step, asked again once
    session = stored_session(db, "hâte")
    assert session.step == "form" and session.form.field == form.DESCRIPTION_FIELD
    assert stored_draft(db, session.form.draft_id).draft.get(form.DESCRIPTION_FIELD) is None  # nothing stored
    out = chat.send("Nous voulons optimiser la collecte des déchets grâce aux données de remplissage des bacs.")
    assert "Étape 10/15" in out
    chat.close()


def test_small_talk_gets_a_warm_reply_and_never_the_refusal(tmp_path, index_dir):
    chat = Chat(chat_env(tmp_path / "c.db", index_dir), "poli")
    replies = {line: chat.send(line) for line in
               ["bonjour", "salut", "merci !", "qui êtes-vous ?", "au revoir", "tu es un robot ?", "ok", "t'es nul"]}
    for line, out in replies.items():
        assert REFUSAL not in out, line
        assert "[1] Poser une question" in out, line  # the menu again, ready to go on
    assert texts("smalltalk")["thanks"]["reply"] in replies["merci !"]
    assert "assistant automatique" in replies["qui êtes-vous ?"]
    assert "assistant automatique" in replies["tu es un robot ?"]
    assert texts("smalltalk")["greeting"]["reply"] in replies["bonjour"]
    out = chat.send("Bonjour, c'est gratuit ?")  # a greeting, then a question: the question is answered
    assert "gratuit" in out.lower() and REFUSAL not in out
    chat.close()


def test_a_required_field_left_for_later_then_filled_from_the_recap(tmp_path, index_dir):
    db = tmp_path / "c.db"
    chat = Chat(chat_env(db, index_dir), "plus-tard")
    chat.send("/candidature")
    screen = fill_until(chat, db, "plus-tard", lambda s: s.form.field == "project.title")
    later = texts("dialog")["form_buttons"]["later"]
    out = chat.send(number_of(screen, later))  # « Je n'ai pas encore la réponse »
    assert "reste à compléter" in out and "Étape 7/15" in out
    screen = fill_until(chat, db, "plus-tard", lambda s: s.step == "recap")
    assert "Reste à compléter : Titre du projet" in screen
    out = chat.send(number_of(screen, "Compléter : Titre du projet"))
    assert "Étape 6/15 — Quel est le titre" in out
    out = chat.send("Mieux cibler la collecte des déchets")
    assert "Toutes les questions obligatoires sont remplies" in out
    record = stored_draft(db, stored_session(db, "plus-tard").form.draft_id)
    assert record.draft.get("project.title") == "Mieux cibler la collecte des déchets" and not form.missing(record.draft)
    chat.close()
