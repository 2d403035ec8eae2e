"""The review cycle through `candibot chat`, as three processes on one database (issue 17): an
applicant, her co-editor and a reviewer, each in their own terminal; notifications are shown before
each prompt, their buttons numbered like the others."""

from __future__ import annotations

import re

import pytest

from tests.chat_support import Chat, chat_env, number_of
from tests.review_support import ANSWERS


@pytest.fixture(autouse=True)
def _index_built(retriever):
    """The session's index is built (and the model loaded once) before any chat subprocess starts."""


def test_applicant_co_editor_and_reviewer_in_three_terminals(tmp_path, index_dir):
    env = chat_env(tmp_path / "shared.db", index_dir, CANDIBOT_REVIEWERS="anne")
    alice = Chat(env, "alice", out_dir=tmp_path / "a")
    try:
        alice.send("/candidature")
        for answer in ANSWERS:
            alice.send("Oui, c'est correct" if answer == "yes" else answer)
        screen = alice.send("/inviter")
        code = re.search(r"/rejoindre (\w+)", screen).group(1)

        bob = Chat(env, "bob", out_dir=tmp_path / "b")
        assert "Vous rédigez maintenant" in bob.send(f"/rejoindre {code}")
        bob.send("/modifier Titre du projet")
        bob.send("Dépôts sauvages : détection et tournées")
        screen = alice.send("/soumettre")  # Bob's edit is shown to Alice before her prompt
        assert "— Message pour vous —" in screen and "bob a modifié « Titre du projet »" in screen
        assert "est soumise" in alice.send(number_of(screen, "Oui, soumettre"))

        anne = Chat(env, "anne", out_dir=tmp_path / "r")
        first = anne.first_screen
        assert "Nouvelle candidature à relire" in first and "Dépôts sauvages : détection et tournées" in first
        screen = anne.send(number_of(first, "Commenter une rubrique"))
        screen = anne.send(number_of(screen, "Données utilisées ou à collecter"))
        screen = anne.send("Précisez combien de signalements par an.")
        screen = anne.send(number_of(screen, "Pour le candidat"))
        screen = anne.send(number_of(screen, "Demander des modifications"))
        assert "Demande de modifications envoyée" in anne.send("Merci de préciser les données utilisées.")

        screen = alice.send("/statut")
        assert "modifications demandées" in screen and "Précisez combien de signalements par an." in screen
        alice.send("/modifier Données utilisées ou à collecter")
        alice.send("Les signalements de l'application, environ 300 par an")
        screen = alice.send("/soumettre")
        alice.send(number_of(screen, "Oui, soumettre"))

        screen = anne.send("/relectures")
        assert "resoumise" in screen and "→ « Les signalements de l'application, environ 300 par an »" in screen
        screen = anne.send(number_of(screen, "n° 1 · Dépôts sauvages : détection et tournées · soumis"))
        assert "est validée" in anne.send(number_of(screen, "Valider"))
        assert "est validée par anne" in alice.send("/statut")
        assert "est validée par anne" in bob.send("/aide")
        for person in (alice, bob, anne):
            person.close()
    finally:
        for person in ("alice", "bob", "anne"):
            chat = locals().get(person)
            if chat is not None and chat.proc.poll() is None:
                chat.proc.kill()
