"""The dialog engine through its API only: menu, commands, buttons, bad input, persistence.

Real SQLite in a tmp dir and the real App, with a small fake answerer and checker (these tests are
not about answers; the one that is uses the real model).
"""

from __future__ import annotations

import threading

import pytest

from bot.dialog import Engine, Input
from tests.dialog_support import lean_app_on, press, texts


pytestmark = pytest.mark.lean  # not about answers: the fake answerer and checker, no model


def test_start_shows_menu_with_five_buttons(engine, user):
    replies = engine.handle(user, "/start")
    assert "Candibot" in replies[0].text
    values = [b.value for r in replies for b in r.buttons]
    assert values == ["go:question", "go:idea", "go:draft", "go:export", "go:help"]
    assert replies[-1].version == engine.state(user).keyboard_version


def test_help_lists_every_command(engine, user):
    text = texts(engine.handle(user, "/aide"))
    for command in ("/start", "/aide", "/question", "/eligibilite", "/candidature", "/recap",
                    "/modifier", "/passer", "/retour", "/annuler", "/export"):
        assert command in text


@pytest.mark.parametrize("line", ["/nimportequoi", "/DROP", "/<b>x</b>"])
def test_unknown_command(engine, user, line):
    replies = engine.handle(user, line)
    assert "Je ne connais pas la commande" in replies[0].text
    assert replies[-1].buttons  # the current step again


@pytest.mark.parametrize("line", ["", "   ", "x" * 5000])
def test_bad_text_at_menu(engine, user, line):
    engine.handle(user, "/start")
    replies = engine.handle(user, line)
    assert replies[0].text.startswith(("Je n'ai rien reçu", "Votre message est trop long"))
    assert engine.state(user).step == "menu"


def test_stale_button(engine, user):
    first = engine.handle(user, "/start")
    engine.handle(user, "/aide")
    replies = press(engine, user, first, "go:help")
    assert replies[0].text == "Ce bouton n'est plus actif."
    assert replies[-1].buttons


def test_button_not_offered_is_refused(engine, user):
    engine.handle(user, "/start")
    replies = engine.handle(user, Input(kind="button", text="fmt:docx"))
    assert replies[0].text == "Ce bouton n'est plus actif."


def test_current_button_and_label(engine, user):
    replies = engine.handle(user, "/start")
    assert "Voici ce que je sais faire" in texts(press(engine, user, replies, "go:help"))
    assert "Voici ce que je sais faire" in texts(engine.handle(user, "aide"))  # a label typed


def test_commands_outside_form(engine, user):
    engine.handle(user, "/start")
    assert "rien à interrompre" in texts(engine.handle(user, "/annuler"))
    assert "pas de question à passer" in texts(engine.handle(user, "/passer"))
    assert "pas d'étape précédente" in texts(engine.handle(user, "/retour"))
    assert "pas encore de candidature" in texts(engine.handle(user, "/export"))
    assert "pas encore de candidature" in texts(engine.handle(user, "/recap"))


def test_deep_link_payload(engine, user):
    replies = engine.handle(user, Input(kind="command", text="start", args="eligibilite"))
    assert engine.state(user).step == "idea"
    assert "Décrivez votre idée" in texts(replies)


def test_every_input_is_logged_before_reply(engine, app, user):
    raw = "<script>alert(1)</script> 😀"
    engine.handle(user, "/question")
    engine.handle(user, "/annuler")
    engine.handle(user, Input(kind="text", text=raw))
    logged = [e["text"] for e in app.conversations.events(user)]
    assert logged[-1] == raw and logged[0] == "question"


def test_state_survives_a_new_engine(app, tmp_path, user):
    Engine(app).handle(user, "/eligibilite")
    again = Engine(lean_app_on(app.settings))
    assert again.state(user).step == "idea"


def test_two_users_interleaved_and_concurrent(engine, user):
    other = user + "-b"
    engine.handle(user, "/eligibilite")
    engine.handle(other, "/question")
    assert engine.state(user).step == "idea" and engine.state(other).step == "question"
    errors = []

    def run(u):
        try:
            for _ in range(15):
                engine.handle(u, "/aide")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(u,)) for u in (user, other)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert engine.state(user).step == "idea" and engine.state(other).step == "question"


@pytest.mark.slow
def test_free_text_is_answered_as_a_question(real_engine, user):
    engine = real_engine  # the real answerer, on the real model
    engine.handle(user, "/start")
    replies = engine.handle(user, "Le programme est-il gratuit ?")
    assert "erreur inattendue" not in texts(replies)
    assert "gratuit" in texts(replies).lower()
    assert replies[-1].buttons  # menu again


def test_resume_asks_the_step_again_with_a_fresh_keyboard(engine, app, user):
    first = engine.handle(user, "/start")
    version = engine.state(user).keyboard_version
    replies = engine.resume(user, "photosize")
    assert texts(replies) == "Que voulez-vous faire ?"  # the step's prompt, nothing else
    assert "Je n'ai rien reçu" not in texts(replies)
    assert [b.value for b in replies[-1].buttons] == [b.value for b in first[-1].buttons]
    assert replies[-1].version == version + 1 == engine.state(user).keyboard_version
    stale = press(engine, user, first, "go:help")  # the keyboard shown before is stale now
    assert stale[0].text == "Ce bouton n'est plus actif."
    assert app.conversations.events(user)[1]["kind"] == "resume"
    assert app.conversations.events(user)[1]["text"] == "photosize"


def test_resume_keeps_the_step_and_its_data(engine, user):
    engine.handle(user, "/eligibilite")
    replies = engine.resume(user)
    assert engine.state(user).step == "idea"
    assert "Décrivez votre idée" in texts(replies) and len(replies) == 1
    new_user = user + "-new"
    assert engine.resume(new_user)[-1].buttons  # an unknown user gets the menu


def test_resume_of_a_step_removed_by_an_upgrade_gives_the_menu(engine, app, user):
    app.conversations.save_session(user, "gone", {"draft_id": 7}, 0)  # the first engine's format
    replies = engine.resume(user)
    assert replies[-1].buttons and engine.state(user).step == "menu"
    assert engine.state(user).form.draft_id == 7
