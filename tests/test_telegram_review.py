"""The review cycle through the real python-telegram-bot client and the loopback Bot API stand-in
(issue 17): an applicant and her co-editor (joined by the invitation's deep link) → submission (the
reviewer gets the DOCX with its buttons) → a rubric comment and a private note → changes requested →
the applicant edits and resubmits → the reviewer sees what changed → approval → the applicant is
told. The real engine with the fake answerer (no model)."""

from __future__ import annotations

import html
import re

import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.telegram import build_application, engine_user, running
from tests.dialog_support import lean_app_on
from tests.review_support import Person, fill_draft
from tests.test_telegram_dialog import Agent, texts
from tests.telegram_standin import StandIn

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
TOKEN = "888888:REVIEW-test-token"


@pytest.fixture()
def standin():
    with StandIn.start(token=TOKEN) as api:
        yield api


async def test_a_whole_review_cycle_through_telegram(standin, tmp_path, index_dir):
    alice, bob, anne, mallory = (Agent(standin, None) for _ in range(4))
    settings = Settings(CANDIBOT_DB=tmp_path / "tg.db", CANDIBOT_INDEX_DIR=index_dir, CANDIBOT_REVIEWERS=str(anne.id))
    engine = Engine(lean_app_on(settings), out_dir=tmp_path / "out")
    # the draft itself was written earlier (through the same engine): this test is about the review
    number = fill_draft(Person(engine, engine_user(alice.id)))
    app = build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05)
    for agent in (alice, bob, anne, mallory):
        agent.app = app
    async with running(app):
        invitation = await alice.say("/inviter")
        link = re.search(r"https://t\.me/candibot_test_bot\?start=(join_\w+)", texts(invitation))
        assert link, texts(invitation)
        joined = await bob.say(f"/start {link.group(1)}")
        assert "Vous rédigez maintenant la candidature" in texts(joined)
        await bob.say("/modifier Titre du projet")
        await bob.say("Dépôts sauvages : détection et tournées")
        await alice.say("/statut")
        assert f"Agent{bob.id} a rejoint" in texts(standin.sent(alice.id))
        assert "a modifié « Titre du projet »" in texts(standin.sent(alice.id))
        asked = await alice.say("/soumettre")
        done = await alice.press("sub:yes", asked)
        assert "est soumise" in texts(done)

        documents = [c for c in standin.sent(anne.id) if c["method"] == "sendDocument"]
        assert len(documents) == 1 and "Nouvelle candidature à relire" in texts(documents)
        name, content = standin.file(documents[0]["params"]["document"]["file_id"])
        assert name.endswith(".docx") and content[:2] == b"PK"
        anne.read = len(standin.sent(anne.id))
        pick = await anne.press(f"rv:comment:{number}", documents)
        await anne.press("rvf:project.data", pick)
        audience = await anne.say("Précisez combien de signalements par an.")
        back = await anne.press("rva:applicant", audience)
        pick = await anne.press(f"rv:comment:{number}", back)
        await anne.press("rvf:general", pick)
        audience = await anne.say("Binôme solide, à suivre de près.")
        back = await anne.press("rva:private", audience)
        await anne.press(f"rv:changes:{number}", back)
        await anne.say("Merci de préciser les données utilisées.")

        to_applicants = texts(standin.sent(alice.id)) + texts(standin.sent(bob.id))
        assert "Précisez combien de signalements par an." in to_applicants
        assert "Merci de préciser les données utilisées." in to_applicants
        assert "Binôme solide" not in to_applicants
        await alice.say("/modifier Données utilisées ou à collecter")
        await alice.say("Les signalements de l'application, environ 300 par an")
        asked = await alice.say("/soumettre")
        await alice.press("sub:yes", asked)
        # a stranger forges the reviewer's callback data: « introuvable », nothing moves
        forged = await mallory._turn(standin.press(mallory.id, f"|rv:approve:{number}"))
        assert "Candidature introuvable." in texts(forged)
        assert engine.parts.drafts.get(number).status == "submitted"
        assert "réservée à l'équipe de relecture" in texts(await mallory.say("/relectures"))
        resubmitted = [c for c in standin.sent(anne.id) if c["method"] == "sendDocument"][-1]
        assert "resoumise" in texts([resubmitted]) and "→ « Les signalements de l'application, environ 300 par an »" in texts([resubmitted])
        anne.read = len(standin.sent(anne.id))
        await anne.press(f"rv:approve:{number}", [resubmitted])
        assert f"est validée par Agent{anne.id}" in texts(standin.sent(alice.id))
        assert "Binôme solide" not in texts(standin.sent(alice.id)) + texts(standin.sent(bob.id))
    assert engine.pending() == []  # every notification was delivered, once
    sent_texts = [html.unescape(c["params"].get("text") or c["params"].get("caption") or "") for c in standin.sent()]
    assert len([t for t in sent_texts if "est validée par" in t]) == 2  # the owner and the co-editor, once each


@pytest.mark.parametrize("attempt", ["guessed id", "invitation used twice", "invitation expired", "own invitation"])
async def test_refusals_through_telegram(standin, tmp_path, index_dir, attempt):
    """Each refusal of the access matrix, as a Telegram user meets it: a clear French sentence,
    nothing changed, the attempt written to the draft's history."""
    import datetime as dt

    alice, bob, anne, carl = (Agent(standin, None) for _ in range(4))
    settings = Settings(CANDIBOT_DB=tmp_path / "tg.db", CANDIBOT_INDEX_DIR=index_dir, CANDIBOT_REVIEWERS=str(anne.id))
    core = lean_app_on(settings)
    engine = Engine(core, out_dir=tmp_path / "out")
    number = fill_draft(Person(engine, engine_user(alice.id)))
    code = engine.parts.review.new_code()
    with core.store.atomic():
        engine.parts.review.invite(engine.parts.drafts.get(number), engine_user(alice.id), code)
    app = build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05)
    for agent in (alice, bob, anne, carl):
        agent.app = app
    async with running(app):
        if attempt == "guessed id":  # a reviewer guessing a draft never submitted, and one that does not exist
            said = texts(await anne.say(f"/relectures {number}")) + texts(await anne.say("/relectures 999"))
            assert said.count("Candidature introuvable.") == 2
        elif attempt == "invitation used twice":
            assert "Vous rédigez maintenant" in texts(await bob.say(f"/start join_{code}"))
            assert "a déjà servi" in texts(await carl.say(f"/start join_{code}"))
        elif attempt == "invitation expired":
            core.review.clock = lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8)
            assert "a expiré" in texts(await bob.say(f"/rejoindre {code}"))
        else:
            assert "votre propre candidature" in texts(await alice.say(f"/rejoindre {code}"))
    record = engine.parts.drafts.get(number)
    assert record.status == "draft"
    members = [m["user_id"] for m in core.review.rows.members(number)]
    assert members == ([engine_user(bob.id)] if attempt == "invitation used twice" else [])
    assert core.store.rows("SELECT 1 FROM draft_history WHERE action LIKE 'refused:%'")
