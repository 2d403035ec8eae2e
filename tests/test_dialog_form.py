"""The guided form through the engine: a full draft to a DOCX, validation, /passer, /retour, /modifier,
a question mid-form, resume after restart. Each field is answered with its own example from
prompts/form.yaml (illustrative values), so the test follows the form as it is declared.
"""

from __future__ import annotations

import pytest

pytest.importorskip("bot.candidature.form")
pytest.importorskip("bot.export")

from bot.candidature import form  # noqa: E402
from bot.dialog import Engine  # noqa: E402
from tests.dialog_support import has_button, lean_app_on, press, texts  # noqa: E402


pytestmark = pytest.mark.lean  # not about answers: the fake answerer and checker, no model


INPUTS = {"n": 0}  # every input answer_current sends (typed answers and presses)


def answer_current(engine, user, replies):
    """Answer the field being asked with its example; confirm grouped answers; go on at warnings."""
    field = form.field(engine.state(user).form.field)
    replies = engine.handle(user, field.example)
    INPUTS["n"] += 1
    if has_button(replies, "form:yes"):
        replies = press(engine, user, replies, "form:yes")
        INPUTS["n"] += 1
    if has_button(replies, "form:continue"):
        replies = press(engine, user, replies, "form:continue")
        INPUTS["n"] += 1
    return replies


def start_form(engine, user):
    replies = engine.handle(user, "/start")
    return press(engine, user, replies, "go:draft")


def test_every_field_has_an_example_that_parses():
    for field in form.FIELDS:
        assert field.example, field.name
        field.parse(field.example)


def test_full_conversation_to_docx(engine, user, app):
    replies = start_form(engine, user)
    answers = 1
    INPUTS["n"] = 1  # « Rédiger / reprendre ma candidature »
    assert f"Étape 1/{len(form.FIELDS)}" in texts(replies)
    while engine.state(user).step != "recap":
        replies = answer_current(engine, user, replies)
        answers += 1
        assert answers < 40, texts(replies)
    assert answers <= 20 - 2, answers  # leaves room for « Exporter » and the format
    # everything the user did, confirmations of grouped answers included: at most 20
    assert INPUTS["n"] <= 20, INPUTS["n"]
    assert "erreur inattendue" not in texts(replies)
    replies = press(engine, user, replies, "go:export")
    replies = press(engine, user, replies, "fmt:docx")
    documents = [r.document for r in replies if r.document]
    assert len(documents) == 1 and documents[0].suffix == ".docx" and documents[0].stat().st_size > 0
    draft = app.drafts.get(engine.state(user).form.draft_id)
    assert draft.status == "draft" and not form.missing(draft.draft)  # complete, not yet submitted


def test_progress_mark_and_back(engine, user):
    replies = start_form(engine, user)
    first = engine.state(user).form.field
    replies = answer_current(engine, user, replies)
    assert "Étape 2/" in texts(replies)
    replies = engine.handle(user, "/retour")
    assert engine.state(user).form.field == first
    assert "Étape 1/" in texts(replies)
    assert "Vous êtes déjà à la première étape" in texts(engine.handle(user, "/retour"))


@pytest.mark.parametrize("bad", ["", "x" * 5000, "😀😀😀", "<script>alert(1)</script>", "/inconnue"])
def test_bad_input_at_every_step(engine, user, bad):
    replies = start_form(engine, user)
    while engine.state(user).step != "recap":
        field = engine.state(user).form.field
        replies = engine.handle(user, bad)
        assert "erreur inattendue" not in texts(replies)
        assert replies and all(r.text for r in replies)
        if engine.state(user).form.field == field and engine.state(user).step == "form":
            replies = answer_current(engine, user, replies)
        elif has_button(replies, "form:yes"):
            replies = press(engine, user, replies, "form:no")
            replies = answer_current(engine, user, replies)
        elif has_button(replies, "form:continue"):
            replies = press(engine, user, replies, "form:continue")


def test_question_mid_form_then_same_step_once(engine, user):
    replies = start_form(engine, user)
    replies = answer_current(engine, user, replies)
    field = engine.state(user).form.field
    replies = engine.handle(user, "Le programme est-il gratuit ?")
    assert engine.state(user).form.field == field
    assert texts(replies).count("Étape 2/") == 1
    replies = engine.handle(user, "/question Qui est le formateur ?")
    assert texts(replies).count("Étape 2/") == 1


def test_three_failures_offer_help(engine, user):
    start_form(engine, user)
    replies = []
    for _ in range(3):
        replies = engine.handle(user, "😀")
        if engine.state(user).step != "form":
            pytest.skip("the first field accepts emoji")
    assert has_button(replies, "form:help")


def test_skip_optional_and_required(engine, user):
    replies = start_form(engine, user)
    while engine.state(user).step == "form":
        field = form.field(engine.state(user).form.field)
        if field.optional:
            replies = engine.handle(user, "/passer")
            assert "Question passée" in texts(replies)
            assert engine.state(user).form.field != field.name
            return
        replies = engine.handle(user, "/passer")  # a required field too can be left for later
        assert "reste à compléter" in texts(replies)
        assert engine.state(user).form.field != field.name and field.name in engine.state(user).form.skipped


def test_resume_after_restart_and_edit_from_recap(app, tmp_path, user):
    engine = Engine(app, out_dir=tmp_path)
    replies = start_form(engine, user)
    answer_current(engine, user, replies)
    answer_current(engine, user, replies)
    step_field = engine.state(user).form.field
    fresh = Engine(lean_app_on(app.settings), out_dir=tmp_path)
    assert fresh.state(user).form.field == step_field
    replies = fresh.handle(user, "/candidature")
    replies = press(fresh, user, replies, "draft:resume")
    assert fresh.state(user).form.field == step_field
    replies = fresh.handle(user, "/recap")
    first = form.FIELDS[0]
    replies = press(fresh, user, replies, f"edit:{first.name}")
    assert fresh.state(user).form.field == first.name
    replies = answer_current(fresh, user, replies)
    assert fresh.state(user).step == "recap"


def test_new_draft_from_checked_idea(engine, user):
    idea = "Optimiser la collecte des déchets de notre intercommunalité grâce aux données de remplissage des bacs."
    replies = engine.handle(user, f"/eligibilite {idea}")
    replies = press(engine, user, replies, "draft:idea")
    description = form.field(form.DESCRIPTION_FIELD)
    while engine.state(user).form.field != description.name:
        replies = answer_current(engine, user, replies)
    assert idea in texts(replies) and has_button(replies, "form:keep")
    replies = press(engine, user, replies, "form:keep")
    draft = engine.parts.drafts.get(engine.state(user).form.draft_id).draft
    assert idea in form.show(draft.get(description.name))


def goto_field(engine, user, name):
    """Start a form and answer (with the examples) up to the field `name`."""
    replies = start_form(engine, user)
    while engine.state(user).form.field != name:
        replies = answer_current(engine, user, replies)
    return replies


def test_grouped_answer_is_shown_back_for_confirmation(engine, user, app):
    goto_field(engine, user, "contact")
    replies = engine.handle(user, "Claire Martin, chargée de mission data, claire.martin@exemple.fr")
    shown = texts(replies)
    assert "J'ai compris" in shown
    assert "Claire Martin" in shown and "chargée de mission data" in shown and "claire.martin@exemple.fr" in shown
    assert has_button(replies, "form:yes") and has_button(replies, "form:no")
    assert engine.state(user).step == "confirm"
    replies = press(engine, user, replies, "form:no")  # « Non, je corrige »: asked again, nothing saved
    assert engine.state(user).form.field == "contact"
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("contact") is None
    replies = engine.handle(user, "Claire Martin, chargée de mission data, claire.martin@exemple.fr")
    press(engine, user, replies, "form:yes")
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("contact.email") == "claire.martin@exemple.fr"


@pytest.mark.parametrize("typed", ["oui", "Oui !", "c'est bon", "OK"])
def test_a_confirmation_typed_in_words_is_the_button(engine, user, app, typed):
    goto_field(engine, user, "contact")
    engine.handle(user, "Claire Martin, chargée de mission data, claire.martin@exemple.fr")
    engine.handle(user, typed)
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("contact.email") == "claire.martin@exemple.fr"
    assert engine.state(user).form.field == "project.title"


def test_a_line_typed_on_past_a_confirmation_is_kept_for_the_next_field(engine, user, app):
    # a hurried person types the project's title without confirming the contact: the contact is shown again
    # to confirm, and the title waits at the next field, to keep with one press
    goto_field(engine, user, "contact")
    engine.handle(user, "Claire Martin, chargée de mission data, claire.martin@exemple.fr")
    replies = engine.handle(user, "Mieux organiser la collecte des déchets")
    shown = texts(replies)
    assert "je le garde pour l'étape suivante" in shown and "Claire Martin" in shown
    assert engine.state(user).step == "confirm" and has_button(replies, "form:yes")
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("contact") is None and draft.get("project.title") is None
    replies = press(engine, user, replies, "form:yes")
    assert "« Mieux organiser la collecte des déchets »" in texts(replies) and has_button(replies, "form:keep")
    press(engine, user, replies, "form:keep")
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("contact.email") == "claire.martin@exemple.fr"
    assert draft.get("project.title") == "Mieux organiser la collecte des déchets"
    assert engine.state(user).form.carried == [] and engine.state(user).form.prefill == {}


@pytest.mark.parametrize(("typed", "stored", "said"), [
    ("communauté de communes", "communauté de communes", "C'est bien noté"),
    ("ah non, c'est une communauté d'agglomération", "communauté d’agglomération", "C'est corrigé"),
])
def test_the_type_a_name_states_is_said_and_a_type_typed_later_confirms_or_corrects_it(engine, user, app, typed,
                                                                                        stored, said):
    # a hurried person types the type they expected to be asked, while the form asks the next step
    start_form(engine, user)
    replies = engine.handle(user, "CC du Pays de Brocéliande")
    assert "« communauté de communes », d'après le nom" in texts(replies)
    engine.handle(user, "35")
    assert engine.state(user).form.field == "interco.details"
    replies = engine.handle(user, typed)
    assert said in texts(replies) and "Je n’ai trouvé ni SIREN" not in texts(replies), texts(replies)
    assert engine.state(user).form.field == "interco.details" and "Étape 4/" in texts(replies)
    assert engine.state(user).form.fails == 0
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get("interco.type") == stored and draft.get("interco.departement") == "Ille-et-Vilaine (35)"
    engine.handle(user, "45 000 habitants, 26 communes")
    assert engine.state(user).form.field == "contact"


def test_a_line_that_answers_no_step_still_gets_the_steps_message(engine, user):
    start_form(engine, user)
    engine.handle(user, "CC du Pays de Brocéliande")
    engine.handle(user, "35")
    replies = engine.handle(user, "je sais pas trop")
    assert "Je n’ai trouvé ni SIREN" in texts(replies) and engine.state(user).form.fails == 1


@pytest.mark.parametrize(("bad", "expected"), [
    ("", "Je n'ai rien reçu"),
    ("x" * 5000, "trop long (5000 caractères)"),
    ("😀😀😀", "seulement des symboles ou des émojis"),
    ("Claire Martin, chargée de mission, claire.martin@", "Cette adresse e-mail ne semble pas valide"),
    ("Claire Martin, chargée de mission, claire.martin.exemple.fr", "Il manque l’adresse e-mail"),
    ("Claire Martin, chargée de mission", "Il manque l’adresse e-mail"),
    ("<b></b>", "Je n’ai pas reçu de réponse"),
    ("<script>alert(1)</script>", "Je n’ai pas reçu de réponse"),  # a script block is dropped with its content
    ("/inconnue", "Je ne connais pas la commande /inconnue"),
])
def test_bad_input_gets_a_precise_french_message(engine, user, bad, expected):
    goto_field(engine, user, "contact")
    replies = engine.handle(user, bad)
    assert expected in replies[0].text, texts(replies)
    assert engine.state(user).form.field == "contact" and engine.state(user).step == "form"
    assert "erreur inattendue" not in texts(replies)


def test_recap_has_edit_buttons_and_export_offers_formats(engine, user):
    replies = start_form(engine, user)
    replies = answer_current(engine, user, replies)
    replies = engine.handle(user, "/recap")
    assert "Récapitulatif" in texts(replies)
    assert [f"edit:{f.name}" for f in form.FIELDS] == [b.value for b in replies[-1].buttons][: len(form.FIELDS)]
    assert has_button(replies, "draft:resume")  # incomplete: « Continuer la saisie »
    replies = engine.handle(user, "/export")
    assert [b.value for b in replies[-1].buttons] == ["fmt:docx", "fmt:pdf", "fmt:md", "fmt:json"]
    replies = press(engine, user, replies, "fmt:md")
    (document,) = [r.document for r in replies if r.document]
    assert document.suffix == ".md" and "incomplète" in texts(replies)


def test_three_failures_on_an_optional_field_offer_help_and_skip(engine, user):
    optional = next(f for f in form.FIELDS if f.optional)
    goto_field(engine, user, optional.name)
    for _ in range(3):
        replies = engine.handle(user, "😀")
    assert has_button(replies, "form:help") and has_button(replies, "form:skip")
    replies = press(engine, user, replies, "form:skip")
    assert "Question passée" in texts(replies)


def _checker_available(app) -> bool:
    try:
        app.checker
    except Exception:
        return False
    return True


@pytest.mark.slow
def test_description_runs_the_eligibility_check(real_engine, user, real_app):
    engine, app = real_engine, real_app  # the real checker, on the real model
    goto_field(engine, user, form.DESCRIPTION_FIELD)
    replies = engine.handle(user, "Créer un portail open data et une charte de la donnée pour notre intercommunalité.")
    if not _checker_available(app):
        assert "Je n'ai pas pu vérifier l'éligibilité" in texts(replies)
        assert engine.state(user).form.field != form.DESCRIPTION_FIELD  # saved, form goes on
        pytest.skip("bot.eligibility is not available yet: only the fallback was checked")
    assert "point d'attention" in texts(replies)  # a purely data-centric project is not a priority
    assert has_button(replies, "form:rephrase") and has_button(replies, "form:continue")
    assert engine.state(user).step == "eligibility"


def test_three_invalid_answers_give_the_help_the_example_and_the_way_on(engine, user):
    goto_field(engine, user, "contact")
    for _ in range(3):
        replies = engine.handle(user, "Claire")
    contact = form.field("contact")
    assert contact.help in texts(replies) and contact.example in texts(replies)
    assert has_button(replies, "form:skip")  # « Je n'ai pas encore la réponse »
    replies = press(engine, user, replies, "form:skip")
    assert engine.state(user).form.field != "contact" and "reste à compléter" in texts(replies)


def test_every_field_offers_to_leave_it_for_later(engine, user):
    replies = start_form(engine, user)
    seen = set()
    while engine.state(user).step != "recap":
        if engine.state(user).step == "form":
            assert has_button(replies, "form:skip"), engine.state(user).form.field
            seen.add(engine.state(user).form.field)
        replies = answer_current(engine, user, replies)
    assert len(seen) >= len(form.FIELDS) - 1  # the type is not asked when the name states it


def test_a_line_that_could_be_either_is_asked_about_and_never_stored_silently(engine, app, user):
    goto_field(engine, user, form.DESCRIPTION_FIELD)
    replies = engine.handle(user, "il y a des frais d'inscription")
    assert has_button(replies, "form:mine") and has_button(replies, "form:asked")
    replies = press(engine, user, replies, "form:asked")
    assert "(réponse à : il y a des frais d'inscription)" in texts(replies)  # answered…
    assert "Étape 9/" in texts(replies)  # …and the same step asked again
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get(form.DESCRIPTION_FIELD) is None
    replies = engine.handle(user, "il y a des frais d'inscription")
    replies = press(engine, user, replies, "form:mine")  # this time it is the answer: stored
    draft = app.drafts.get(engine.state(user).form.draft_id).draft
    assert draft.get(form.DESCRIPTION_FIELD) == "il y a des frais d'inscription"
    assert "Étape 10/" in texts(replies)


def test_small_talk_in_the_form_is_not_an_answer(engine, app, user):
    goto_field(engine, user, "project.title")
    replies = engine.handle(user, "merci !")
    assert "Avec plaisir" in texts(replies) and "Étape 6/" in texts(replies)
    assert app.drafts.get(engine.state(user).form.draft_id).draft.get("project.title") is None


def test_opening_the_conversation(engine, user):
    first = engine.open(user)  # a new user: what /start shows
    assert "Bonjour ! Je suis Candibot" in texts(first) and first[-1].buttons
    replies = press(engine, user, first, "go:draft")
    again = engine.open(user)  # back later: the step they were at, asked again
    assert "Bon retour" in texts(again) and "Étape 1/" in texts(again)
    engine.handle(user, "/annuler")
    back = engine.open(user)
    labels = [b.label for b in back[-1].buttons]
    assert "Reprendre ma candidature" in labels and replies
