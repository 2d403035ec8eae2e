"""The candidature form: parsers on good and bad answers, dotted access, completeness."""

from __future__ import annotations

import pytest

from bot.candidature import Draft, FieldError, Person
from bot.candidature import parsers as p
from bot.candidature import form as F
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
    assert not F.missing_fields(draft) and F.missing(draft) == []


def test_missing_lists_required_fields_in_french_and_skips_optional_ones():
    draft = Draft()
    missing = F.missing(draft)
    assert "Nom de l’intercommunalité" in missing and "Référent data du binôme" in missing
    assert "SIREN, population, nombre de communes" not in missing
    draft.set("interco.name", "CC du Val Vert")
    assert "Nom de l’intercommunalité" not in F.missing(draft)


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
    # a sentence typed instead of a list: the domains it names, never the sentence cut at 60 characters
    assert p.domains("Réduire les dépôts sauvages autour des points d'apport volontaire, en croisant les "
                     "tournées de collecte et les horaires des déchèteries") == ["déchets"]
    with pytest.raises(FieldError, match="domaine"):
        p.domains("Nous voulons mieux comprendre ce qui se passe sur notre territoire grâce aux données")


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


def test_siren_from_the_brief_and_key_message():
    assert p.siren("732 829 320") == "732829320"
    with pytest.raises(FieldError, match="clé de contrôle"):
        p.siren("732829321")


@pytest.mark.parametrize("raw", ["marie.dupont@agglo.fr", "M.Dupont+data@cc-val-vert.fr", "<marie@agglo.fr>"])
def test_valid_emails(raw):
    assert "@" in p.email(raw)


@pytest.mark.parametrize("raw", ["marie@", "@agglo.fr", "marie@agglo", "marie dupont@agglo.fr"])
def test_invalid_emails(raw):
    with pytest.raises(FieldError, match="ne semble pas valide"):
        p.email(raw)


@pytest.mark.parametrize("raw", ["Ille-et-Vilaine", "ILLE ET VILAINE", "Ile et Vilaine"])
def test_departement_names_casually_written(raw):
    assert p.departement(raw) == "Ille-et-Vilaine (35)"


@pytest.mark.parametrize("raw", ["99", "Bretagne", "😀", "Paris Ouest"])
def test_unknown_departement_is_refused(raw):
    with pytest.raises(FieldError):
        p.departement(raw)


@pytest.mark.parametrize("raw, expected", [("CA", "communauté d’agglomération"), ("metropole", "métropole"),
                                           ("EPT", "établissement public territorial"), ("Communauté de communes du Val Vert", "communauté de communes")])
def test_more_casual_types(raw, expected):
    assert p.interco_type(raw) == expected


@pytest.mark.parametrize("name, expected", [("Communauté de communes du Val Vert", "communauté de communes"),
                                            ("CC du Val Vert", "communauté de communes"),
                                            ("Lorient Agglomération", "communauté d’agglomération"),
                                            ("Rennes Métropole", "métropole"),
                                            ("Communauté urbaine de Dunkerque", "communauté urbaine"),
                                            ("Pays de Landerneau", None), ("Caen la mer", None)])
def test_type_read_from_the_name(name, expected):
    assert p.type_from_name(name) == expected


def test_setting_a_name_that_states_its_type_fills_the_type_step():
    name = F.field("interco.name")
    draft = Draft()
    F.answer(draft, name, p.short_text("Communauté de communes du Val Vert"))
    assert draft.get("interco.type") == "communauté de communes"
    assert "Type d’intercommunalité" not in F.missing(draft)
    draft = Draft()
    F.answer(draft, name, "Caen la mer")
    assert "Type d’intercommunalité" in F.missing(draft)
    F.answer(draft, F.field("interco.type"), "communauté urbaine")
    F.answer(draft, name, "CC du Val Vert")  # an edited name never overrides a type already given
    assert draft.get("interco.type") == "communauté urbaine"


def test_population_casually_written():
    assert p.interco_details("45 000 habitants").population == 45000
    assert p.interco_details("population 45k").population == 45000
    assert p.interco_details("45k hab").population == 45000


def test_person_with_semicolons_and_email_first():
    person = p.person("marie.dupont@agglo.fr ; Marie Dupont ; cheffe du service déchets")
    assert (person.name, person.role) == ("Marie Dupont", "cheffe du service déchets")


@pytest.mark.parametrize("bad, message", [("😀😀😀", "émojis"), ("", "pas reçu"), ("x" * 401, "trop longue"),
                                          ("Marie Dupont, cheffe, <script>x</script>", "Il manque l’adresse e-mail")])
def test_person_bad_input(bad, message):
    with pytest.raises(FieldError, match=message):
        p.person(bad)


def test_maximum_lengths_per_field():
    assert len(p.long_text("a" * 5000)) == 5000  # a description may be 5 000 characters
    with pytest.raises(FieldError, match="5000 caractères au plus"):
        p.long_text("a" * 5001)
    with pytest.raises(FieldError, match="200 caractères au plus"):
        p.short_text("a" * 201)


def test_maturity_unknown_answer_lists_the_choices():
    with pytest.raises(FieldError, match="en conception"):
        p.maturity("bof")


def test_set_a_whole_person_and_dump_round_trips():
    draft = Draft()
    draft.set("contact", p.person("Marie Dupont, cheffe du service déchets, marie.dupont@agglo.fr"))
    draft.set("project.domains", p.domains("déchets, mobilité"))
    again = Draft.model_validate(draft.model_dump(mode="json"))
    assert again.get("contact.name") == "Marie Dupont" and again.get("project.domains") == ["déchets", "mobilité"]


def test_departement_codes_that_are_not_departements():
    from bot.candidature import parsers as p

    with pytest.raises(FieldError, match="2A .*2B"):
        p.departement("20")
    with pytest.raises(FieldError, match="collectivité d’outre-mer"):
        p.departement("975")
    assert p.departement("976") == "Mayotte (976)"


def test_person_without_separators():
    from bot.candidature import parsers as p

    person = p.person("Marie Dupont cheffe du service déchets marie.dupont@agglo.fr")
    assert (person.name, person.role, person.email) == ("Marie Dupont", "cheffe du service déchets", "marie.dupont@agglo.fr")
    with pytest.raises(FieldError):
        p.person("marie dupont cheffe marie@x.fr")


@pytest.mark.parametrize("raw", [
    "Marie Dupont, cheffe du service déchets, marie.dupont@agglo.fr, 06 12 34 56 78",
    "Marie Dupont, cheffe du service déchets, marie.dupont@agglo.fr\n0612345678",
    "Marie Dupont - cheffe du service déchets - marie.dupont@agglo.fr - Tél. : +33 6 12 34 56 78",
    "Marie Dupont, cheffe du service déchets, portable 02.99.12.34.56, marie.dupont@agglo.fr",
])
def test_a_phone_number_given_with_the_contact_is_not_taken_for_their_function(raw):
    from bot.candidature import parsers as p

    person = p.person(raw)
    assert (person.name, person.role, person.email) == ("Marie Dupont", "cheffe du service déchets", "marie.dupont@agglo.fr")
