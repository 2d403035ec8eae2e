"""The candidature form: parsers on good and bad answers, dotted access, completeness."""

from __future__ import annotations

import pytest

from bot.candidature import Draft, FieldError, Person
from bot.candidature import parsers as p
from bot.candidature.form import DESCRIPTION_FIELD, FIELDS
from bot.prompts import texts


def test_every_field_has_prompts_and_an_example_its_parser_accepts():
    form = texts("form")
    for spec in FIELDS:
        entry = form[spec.name]
        assert entry["question"] and entry["help"] and entry["label"]
        spec.parse(entry["example"])
    assert DESCRIPTION_FIELD in {f.name for f in FIELDS}


def test_a_complete_draft_takes_at_most_twenty_answers():
    assert len(FIELDS) <= 20
    draft = Draft()
    for spec in FIELDS:
        draft.set(spec.name, spec.parse(texts("form")[spec.name]["example"]))
    assert draft.is_complete() and draft.missing() == []


def test_missing_lists_required_fields_in_french_and_skips_optional_ones():
    draft = Draft()
    missing = draft.missing()
    assert "Nom de l’intercommunalité" in missing and "Référent data du binôme" in missing
    assert "SIREN, population, nombre de communes" not in missing
    draft.set("interco.name", "CC du Val Vert")
    assert "Nom de l’intercommunalité" not in draft.missing()


def test_dotted_get_and_set_reach_nested_models_and_refuse_unknown_paths():
    draft = Draft()
    draft.set("binome.referent_data", Person(name="A B", role="SIG", email="a@b.fr"))
    assert draft.get("binome.referent_data.email") == "a@b.fr"
    assert draft.get("contact.name") is None
    with pytest.raises(KeyError):
        draft.set("project.budget", 10)
    assert Draft.model_validate(draft.model_dump(mode="json")) == draft


@pytest.mark.parametrize("value, ok", [("123 456 782", True), ("123456782", True), ("123 456 789", False), ("12345678", False), ("abc", False)])
def test_siren_checks_length_and_luhn_key(value, ok):
    if ok:
        assert p.siren(value) == value.replace(" ", "")
    else:
        with pytest.raises(FieldError):
            p.siren(value)


def test_siren_length_message_counts_the_digits():
    with pytest.raises(FieldError, match="9 chiffres ; vous en avez saisi 8"):
        p.siren("12345678")


@pytest.mark.parametrize("raw, expected", [("35", "Ille-et-Vilaine (35)"), ("2a", "Corse-du-Sud (2A)"), ("974", "La Réunion (974)"),
                                           ("ile et vilaine", "Ille-et-Vilaine (35)"), ("Finistere", "Finistère (29)"), ("1", "Ain (01)")])
def test_departements_by_number_or_name(raw, expected):
    assert p.departement(raw) == expected


@pytest.mark.parametrize("raw, expected", [("CC", "communauté de communes"), ("agglo", "communauté d’agglomération"),
                                           ("Metropole", "métropole"), ("une communauté urbaine", "communauté urbaine")])
def test_casual_interco_types(raw, expected):
    assert p.interco_type(raw) == expected


def test_unknown_interco_type_lists_the_choices():
    with pytest.raises(FieldError, match="métropole"):
        p.interco_type("association")


def test_person_in_one_message_with_commas_or_lines():
    person = p.person("Marie Dupont, cheffe du service déchets, Marie.Dupont@agglo.fr")
    assert (person.name, person.role, person.email) == ("Marie Dupont", "cheffe du service déchets", "marie.dupont@agglo.fr")
    person = p.person("Marie Dupont\nreferente SIG ; DSI\nmarie@cc.fr")
    assert person.role == "referente SIG, DSI"


@pytest.mark.parametrize("raw, message", [
    ("Marie Dupont, cheffe de service", "Il manque l’adresse e-mail"),
    ("Marie Dupont, cheffe, marie@agglo", "ne semble pas valide"),
    ("marie@agglo.fr", "le nom, la fonction"),
])
def test_person_errors_are_precise(raw, message):
    with pytest.raises(FieldError, match=message):
        p.person(raw)


def test_email_without_at_says_so():
    with pytest.raises(FieldError, match="il manque le @"):
        p.email("marie.dupont.agglo.fr")


@pytest.mark.parametrize("raw, expected", [("juste une idée", "idée"), ("on a commencé", "déjà engagé"),
                                           ("EN CONCEPTION", "en conception"), ("pas encore commencé", "idée")])
def test_maturity_casual(raw, expected):
    assert p.maturity(raw) == expected


def test_domains_canonical_and_open():
    assert p.domains("dechets, mobilite et eau") == ["déchets", "mobilité", "eau"]
    assert p.domains("patrimoine culturel") == ["patrimoine culturel"]


def test_details_in_any_order():
    details = p.interco_details("32 communes, 45k habitants, SIREN 123 456 782")
    assert (details.siren, details.population, details.communes) == ("123456782", 45000, 32)
    with pytest.raises(FieldError):
        p.interco_details("on ne sait pas")


@pytest.mark.parametrize("bad, message", [("", "pas reçu de réponse"), ("   ", "pas reçu de réponse"), ("😀😀", "émojis"),
                                          ("x" * 5001, "trop longue"), ("<b></b>", "pas reçu")])
def test_bad_input_gets_a_clear_french_message(bad, message):
    with pytest.raises(FieldError, match=message):
        p.long_text(bad)


def test_html_is_stripped_not_kept():
    assert p.short_text("<b>CC</b> du <i>Val</i>") == "CC du Val"
    assert p.short_text("<script>alert(1)</script> CC du Val") == "CC du Val"
    with pytest.raises(FieldError):
        p.short_text("<script>alert(1)</script>")
