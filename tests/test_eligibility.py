"""Eligibility verdicts on ideas written for these tests (not the eval sets), with the real retriever."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.eligibility import EligibilityChecker, Verdict, render_fr
from bot.retrieval.normalize import normalize


@pytest.fixture(scope="module")
def checker(retriever):
    return EligibilityChecker(retriever, Settings())


@pytest.mark.parametrize("idea, domain", [
    ("Notre communauté de communes veut réduire les dépôts sauvages en analysant les signalements des habitants.", "déchets"),
    ("notre interco voudrait suivre la frequentation des navettes de transport a la demande", "mobilité"),
    ("L'agglo souhaite repérer les logements vacants pour son programme local de l'habitat", "habitat"),
    ("On aimerait cartographier l'offre de médecins généralistes pour attirer des praticiens", "santé"),
    ("Piloter la consommation d'energie des batiments de la metropole avec des compteurs", "énergie"),
])
def test_eligible_ideas_with_their_domain(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", verdict.reasons
    assert domain in verdict.domains
    assert any("politique publique" in r for r in verdict.reasons)


@pytest.mark.parametrize("idea", [
    "Notre mairie veut analyser la fréquentation de la piscine municipale.",
    "Le conseil départemental souhaite optimiser les transports scolaires.",
    "Notre startup propose une appli de covoiturage aux collectivités.",
    "Notre association de quartier voudrait cartographier les jardins partagés.",
])
def test_applicants_that_are_not_intercommunalites(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_eligible"
    assert any("intercommunalité" in r for r in verdict.reasons)
    assert verdict.missing and "intercommunalité" in verdict.missing[0]


def test_an_interco_mentioned_alongside_a_commune_is_the_applicant(checker):
    verdict = checker.check("Avec notre commune centre, la communauté de communes veut suivre la qualité de l'eau des rivières.")
    assert verdict.verdict == "eligible"
    assert checker.check("Notre ville seule, sans l'intercommunalité, veut suivre les places de stationnement.").verdict == "not_eligible"


@pytest.mark.parametrize("idea", [
    "Monter notre portail open data intercommunal.",
    "Ecrire la charte territoriale de la donnee de l'agglo",
    "Mettre en place une gouvernance des données et un catalogue pour tous nos services.",
])
def test_purely_data_centric_projects_are_not_priority_with_a_way_out(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_priority"
    assert any("politique publique" in r for r in verdict.reasons)
    assert verdict.reason_details[0].rule_id == "projets-non-prioritaires"


def test_a_data_portal_tied_to_a_policy_is_eligible(checker):
    verdict = checker.check("Un portail open data sur la qualité de l'air pour piloter notre plan climat intercommunal.")
    assert verdict.verdict == "eligible"
    assert any(r.rule_id == "projets-non-prioritaires" for r in verdict.reason_details)


@pytest.mark.parametrize("idea", ["on veut faire de la data", "Bonjour !", "un projet innovant avec l'IA", "moderniser notre SI"])
def test_vague_ideas_are_to_clarify_with_questions(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "to_clarify"
    assert len(verdict.missing) >= 2


def test_an_idea_is_enough(checker):
    verdict = checker.check("Ce n'est qu'une idée : la communauté de communes voudrait suivre les tonnages de déchets verts.")
    assert verdict.verdict == "eligible"
    assert any(r.rule_id == "idee-suffit" for r in verdict.reason_details)


@pytest.mark.parametrize("bad", ["", "   ", "🤔🙂", "x " * 5000, "We want to build a smart city dashboard for our county", "<script>alert(1)</script>"])
def test_bad_input_is_to_clarify_with_a_french_message(checker, bad):
    verdict = checker.check(bad)
    assert verdict.verdict == "to_clarify"
    assert render_fr(verdict)


def test_reasons_cite_existing_rules_and_examples_are_three_sorted_and_marked(checker, retriever):
    verdict = checker.check("Optimiser les tournées de collecte des ordures ménagères de la communauté d'agglomération")
    assert all(r.rule_id in retriever.by_id for r in verdict.reason_details)
    assert all(f"« {r.rule_title} »" in text for r, text in zip(verdict.reason_details, verdict.reasons))
    assert len(verdict.examples) == 3
    assert [e.score for e in verdict.examples] == sorted((e.score for e in verdict.examples), reverse=True)
    assert {e.illustrative for e in verdict.examples} <= {True, False}
    message = render_fr(verdict)
    assert "exemple illustratif" in message or "exemple cité par le programme" in message


def test_json_shape_and_determinism(checker):
    idea = "Notre EPCI veut détecter les fuites du réseau d'eau potable."
    first, second = checker.check(idea).to_json_dict(), checker.check(idea).to_json_dict()
    assert first == second
    assert list(first) == ["idea", "verdict", "domains", "reasons", "missing", "examples"]
    assert set(first["examples"][0]) >= {"id", "title", "score"}


# -- more wordings: casual, no accents, typos; examples, rendering, bad input -------------------

ELIGIBLE = [
    ("Notre communauté de communes voudrait optimiser les tournées de collecte des ordures ménagères grâce aux données de pesée des bacs.", "déchets"),
    ("on est une com com rurale, on aimerait savoir ou installer des aires de covoiturage en croisant les trajets domicile travail", "mobilité"),
    ("l'agglo veut un tableau de bord des consommations d'energie des batiments publics", "énergie"),
    ("idee : reperer les logements vacants avec les fichiers fonciers pour les remettre sur le marche", "habitat"),
    ("La métropole souhaite cartographier les îlots de chaleur pour prioriser la végétalisation.", "transition écologique"),
    ("analyser la fréquentation de nos espaces France services pour mieux accompagner les personnes éloignées du numérique", "inclusion numérique"),
    ("mieux connaitre l'offre de medecins generalistes pour lutter contre les deserts medicaux, ce n'est qu'une idee", "santé"),
    ("detecter les fuites sur le reseau d'eau potable grace a la telereleve des compteurs", "eau"),
    ("Caractériser les zones d'attractivité commerciale et les comportements des consommateurs de notre EPCI.", "développement économique"),
    ("Mesurer la qualité de l'air près des écoles avec des micro-capteurs et informer les parents.", "air"),
    ("on voudrai un outil pour suivre les dépot sauvage de dechets sur notre territoir", "déchets"),
    ("Ouvrir nos données de transport en open data pour alimenter un calculateur d'itinéraires pour les habitants.", "mobilité"),
    ("compter les vélos sur les pistes cyclables pour savoir où prolonger le réseau", "mobilité"),
    ("Notre CIAS voudrait croiser les données pour repérer les personnes âgées isolées avant une canicule.", "social"),
]

NOT_PRIORITY = [
    "Nous voulons créer un portail open data pour l'intercommunalité.",
    "rediger une charte de la donnee pour notre agglo",
    "Mettre en place un catalogue de nos jeux de données et une gouvernance des données à l'échelle de la CC.",
    "monter un entrepot de donnees pour centraliser toutes les donnees de l'interco",
    "on voudrait faire l'inventaire de nos donnees et ecrire une strategie data",
]

NOT_ELIGIBLE = [
    ("Notre commune de 2000 habitants voudrait analyser la consommation d'eau des bâtiments.", "commune"),
    ("Je suis maire d'un village et je veux un tableau de bord des déchets.", "commune"),
    ("Le conseil départemental souhaite optimiser les transports scolaires grâce aux données.", "département"),
    ("le conseil regional voudrait un observatoire regional des mobilites", "région"),
    ("Nous sommes une startup qui propose des capteurs de remplissage pour les bennes.", "entreprise"),
    ("notre bureau d'études veut candidater pour analyser le trafic d'une ville", "entreprise"),
    ("Notre association accompagne les seniors au numérique, on voudrait candidater.", "association"),
]

TO_CLARIFY = [
    "on veut faire de la data",
    "Bonjour",
    "un projet innovant avec l'IA",
    "Est-ce que mon idée est éligible ?",
    "on a plein de donnees et on sait pas trop quoi en faire",
    "salut, on voudrait candidater au programme",
]

BAD_INPUT = [
    "",
    "    \n\t ",
    "a" * 10_000,
    "We would like to build a traffic dashboard for our city using open data.",
    "🚀🚀🚀",
    "<script>alert('x')</script>",
    "'; DROP TABLE drafts; --",
    "?!?!... 12345",
]


def _domains(verdict: Verdict) -> set[str]:
    return {normalize(d) for d in verdict.domains}


@pytest.mark.parametrize("idea,domain", ELIGIBLE)
def test_eligible_ideas_and_their_domain(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", (idea, verdict.verdict, verdict.reasons)
    assert normalize(domain) in _domains(verdict), verdict.domains
    assert "politique-publique" in [r.rule_id for r in verdict.reason_details]


@pytest.mark.parametrize("idea", NOT_PRIORITY)
def test_purely_data_centric_ideas_are_not_priority(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_priority", (idea, verdict.verdict, verdict.domains)
    assert [r.rule_id for r in verdict.reason_details] == ["projets-non-prioritaires"]
    assert verdict.missing, "the applicant is told to tie the work to a public policy"


@pytest.mark.parametrize("idea,kind", NOT_ELIGIBLE)
def test_applicants_that_are_not_intercommunalites_more_wordings(checker, idea, kind):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_eligible", (idea, verdict.verdict)
    rules = [r.rule_id for r in verdict.reason_details]
    assert rules[0] == "public-cible"
    assert "faq-commune-seule" in rules  # the kind advice: go through your intercommunalité
    assert any("intercommunalit" in m for m in verdict.missing)


@pytest.mark.parametrize("idea", TO_CLARIFY)
def test_vague_ideas_are_to_clarify_with_questions_more_wordings(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "to_clarify", (idea, verdict.verdict, verdict.domains)
    assert len(verdict.missing) >= 2


@pytest.mark.parametrize("idea", BAD_INPUT)
def test_bad_input_gets_a_french_to_clarify(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "to_clarify"
    message = render_fr(verdict)
    assert message and "Traceback" not in message
    assert any(word in message for word in ("idée", "décrivez", "préciser"))
    json.dumps(verdict.to_json_dict(), ensure_ascii=False)


def test_an_intercommunalite_citing_its_communes_is_judged_on_its_project(checker):
    verdict = checker.check(
        "Notre communauté de communes veut aider ses communes membres à suivre la consommation d'énergie de leurs écoles."
    )
    assert verdict.verdict == "eligible"
    assert "énergie" in verdict.domains


def test_no_applicant_named_does_not_ask_to_be_an_intercommunalite(checker):
    verdict = checker.check("suivre la fréquentation des bus pour adapter les horaires")
    assert verdict.verdict == "eligible"
    assert not any("intercommunalit" in m for m in verdict.missing)


def test_an_idea_is_enough_more_wordings(checker):
    verdict = checker.check("C'est juste une idée : on aimerait mieux cibler les aides aux familles précaires avec les données du CIAS.")
    assert verdict.verdict == "eligible"
    assert "idee-suffit" in [r.rule_id for r in verdict.reason_details]


def test_an_open_domain_is_accepted_and_said_so(checker):
    verdict = checker.check("Un observatoire du foncier économique pour limiter l'artificialisation des sols (ZAN) dans notre agglo")
    assert verdict.verdict == "eligible"
    assert "domaines" in [r.rule_id for r in verdict.reason_details] or all(
        d in {"développement économique"} for d in verdict.domains
    )


def test_reasons_cite_existing_rule_entries(checker, retriever):
    ideas = [ELIGIBLE[0][0], NOT_PRIORITY[0], NOT_ELIGIBLE[0][0], TO_CLARIFY[0], "", ELIGIBLE[6][0]]
    for idea in ideas:
        verdict = checker.check(idea)
        assert verdict.reason_details, idea
        for reason in verdict.reason_details:
            entry = retriever.by_id[reason.rule_id]  # KeyError if the cited rule does not exist
            assert reason.rule_title == entry.title
        assert len(verdict.reasons) == len(verdict.reason_details)
        assert all(r.rule_title in text for r, text in zip(verdict.reason_details, verdict.reasons))


def test_examples_are_three_sorted_and_marked(checker, retriever):
    verdict = checker.check(ELIGIBLE[0][0])
    assert len(verdict.examples) == 3
    scores = [e.score for e in verdict.examples]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    for example in verdict.examples:
        entry = retriever.by_id[example.id]
        assert entry.kind == "example"
        assert example.illustrative == entry.illustrative
    # the closest example of a waste idea is about waste
    assert "déchets" in {checker.rules.canonical_domain(d) for d in retriever.by_id[verdict.examples[0].id].domains}


def test_json_shape_is_the_design_contract(checker):
    data = checker.check(ELIGIBLE[1][0]).to_json_dict()
    assert list(data) == ["idea", "verdict", "domains", "reasons", "missing", "examples"]
    assert data["verdict"] in {"eligible", "to_clarify", "not_priority", "not_eligible"}
    assert all(isinstance(r, str) for r in data["reasons"])
    assert all({"id", "title", "score"} <= set(e) for e in data["examples"])
    json.dumps(data, ensure_ascii=False)


def test_render_fr_shows_verdict_reasons_missing_and_marked_examples(checker, retriever):
    verdict = checker.check("on voudrait mieux cibler les aides sociales")
    message = render_fr(verdict)
    assert message.splitlines()[0].strip()
    for reason in verdict.reason_details:
        assert reason.rule_title in message
    for item in verdict.missing:
        assert item in message
    for example in verdict.examples:
        assert retriever.by_id[example.id].title.replace(" (exemple illustratif)", "") in message
        if example.illustrative:
            assert "exemple illustratif" in message


def test_same_input_same_verdict(checker):
    idea = "l'interco voudrait prédire l'affluence en déchèterie pour adapter les horaires"
    first, second = checker.check(idea), checker.check(idea)
    assert first.model_dump() == second.model_dump()


@pytest.mark.parametrize("idea,domain", [
    ("on aimerai mieux comprendre la mobilitée des habitants", "mobilité"),
    ("suivre la consomation d'eau des equipements intercommunaux", "eau"),
])
def test_typos_on_domain_words_are_read(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", verdict.reasons
    assert domain in verdict.domains


def test_another_language_is_asked_in_french(checker):
    verdict = checker.check("Hola, queremos un proyecto de datos para la ciudad")
    assert verdict.verdict == "to_clarify"
    assert "français" in verdict.reasons[0]


def test_a_portal_naming_themes_without_a_use_stays_data_centric(checker):
    verdict = checker.check("un portail open data avec nos données de déchets, de mobilité et d'eau")
    assert verdict.verdict == "not_priority"
    assert verdict.reason_details[0].rule_id == "projets-non-prioritaires"


def test_a_doubtful_applicant_is_judged_and_asked_to_be_an_intercommunalite(checker):
    verdict = checker.check("Notre PNR veut détecter les dépôts sauvages de déchets")
    assert verdict.verdict == "eligible"
    assert "intercommunalit" in verdict.missing[0]


@pytest.mark.parametrize("idea,kind", [
    # a syndicat or a PETR groups communes or intercommunalités for one service: it is not one
    ("Notre syndicat de traitement veut détecter les dépôts sauvages de déchets", "syndicat"),
    ("Le PETR voudrait suivre l'offre de soins sur les communautés de communes de son périmètre", "syndicat"),
    # an intercommunalité named as a client or as the project's scope is not the applicant
    ("Nous sommes un bureau d'études mandaté par une communauté d'agglomération pour suivre son PCAET", "entreprise"),
    ("Le service des routes du département voudrait compter le trafic des poids lourds", "département"),
])
def test_the_applicant_is_who_carries_the_project(checker, idea, kind):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_eligible", verdict.reasons
    assert checker._applicant_not_interco(normalize(idea)) == kind


@pytest.mark.parametrize("idea", [
    "Nous voudrions une doctrine de partage des données entre l'EPCI et ses communes, avec des conventions",
    "Notre agglo veut désigner un responsable de la donnée et définir qui fait quoi autour de la donnée",
    "la metropole voudrait une API unique pour exposer toutes ses donnees aux developpeurs",
    "Écrire la feuille de route data 2026-2028 de la communauté d'agglomération.",
])
def test_work_on_the_data_itself_is_not_a_priority(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_priority", verdict.reasons


@pytest.mark.parametrize(("idea", "domain"), [
    ("La communauté d'agglomération veut croiser les zones inondables et les bâtiments exposés pour son plan de sauvegarde", "sécurité"),
    ("Notre CC veut équiper ses colonnes à verre de capteurs de remplissage", "déchets"),
    ("Notre CC veut géolocaliser les nids de frelons asiatiques signalés", "biodiversité"),
])
def test_a_policy_named_in_its_own_words_finds_its_domain(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible" and domain in verdict.domains, (verdict.verdict, verdict.domains)


def test_a_reported_topic_comes_before_the_reports_channel(checker):
    verdict = checker.check("Notre CC voudrait croiser les signalements d'ambroisie des habitants pour cibler l'arrachage")
    assert verdict.verdict == "eligible"
    assert verdict.domains[0] == "santé"


# -- applicants who say what they are; an interco named only as a client or a target ----------------

@pytest.mark.parametrize("idea,kind", [
    ("En tant que mairie, on voudrait analyser le remplissage des poubelles.", "commune"),
    ("Commune de 1500 habitants : on veut suivre la consommation d'eau de nos batiments", "commune"),
    ("jsuis etudiant en master, mon projet c'est la frequentation des pistes cyclables", "particulier"),
    ("Hôpital local : on veut anticiper l'affluence aux urgences", "organisme"),
    ("Startup : on a un algo pour optimiser la collecte des dechets", "entreprise"),
    ("Nous sommes une entreprise qui vend des capteurs de qualité de l'air aux intercommunalités.", "entreprise"),
    ("je suis consultante data, je voudrais proposer un outil de suivi des bus pour les agglos", "entreprise"),
    ("notre bureau d etudes voudrait accompagner une interco sur ses tournées de collecte", "entreprise"),
    ("ma ville (on n'est pas l'interco) voudrait piloter l'éclairage public", "commune"),
    ("Asso de cyclistes : on veut compter les vélos sur les voies vertes", "association"),
    # who says first what they are is that, whatever intercommunalité comes after
    ("Cabinet de conseil : nous accompagnons une métropole sur sa politique vélo", "entreprise"),
    ("Nous sommes la ville-centre de l'agglomération et notre ville voudrait analyser le stationnement", "commune"),
    ("La SPL qui exploite le réseau de l'agglo voudrait analyser la fréquentation ligne par ligne", "entreprise"),
    ("Le groupement hospitalier de territoire veut suivre les maladies chroniques sur le territoire de la métropole", "organisme"),
    # an intercommunalité named as a partner, a founder or a member does not bear the project
    ("Le département veut suivre les bénéficiaires du RSA, en lien avec les intercommunalités du territoire", "département"),
    ("Notre commune, en partenariat avec la communauté d'agglomération, veut cartographier les îlots de chaleur", "commune"),
    ("Le syndicat mixte, qu'on a créé avec trois comcom voisines, voudrait optimiser ses tournées de collecte", "syndicat"),
    ("Un syndicat regroupant deux communautés de communes veut mieux suivre le remplissage des colonnes de tri", "syndicat"),
    ("Le PETR, constitué de trois communautés de communes, veut un observatoire de l'habitat", "syndicat"),
    # the bearer said in so many words, whatever intercommunalité the text names
    ("Avec les comcom du coin on pense aux déchets verts, mais c'est le syndicat qui porterait le projet", "syndicat"),
    # the bearer is the nearest « c'est … qui porte », not a member's intercommunalité before it
    ("Mairie de Saint-Aubin : on veut suivre la fréquentation de la cantine. On est membre de la CC mais c'est nous qui portons le projet", "commune"),
    # a person who says where they work, and an opener at the very start
    ("je suis dans une asso de randonneurs, on veut donner nos relevés de sentiers à la communauté de communes", "association"),
    ("Je travaille au département : on voudrait croiser les données de l'aide sociale avec celles des agglos", "département"),
    ("À la Région on voudrait un tableau de bord des cars interurbains, avec plusieurs agglos qui nous fournissent leurs données", "région"),
    # a person's role before the organisation they write for
    ("Je suis chargée de mission au PETR qui regroupe trois communautés de communes : un observatoire du foncier économique", "syndicat"),
    ("Responsable du CCAS de la ville-centre : on voudrait repérer les personnes âgées isolées, l'agglo a des données", "commune"),
    # the bearer said otherwise: « porté par … », « … serait porteur »
    ("Le projet serait porté par l'office public de l'habitat, la métropole cofinance : repérer les logements mal isolés", "organisme"),
    ("Notre association serait porteuse de la candidature, la communauté de communes est partenaire : l'usage des jardins partagés", "association"),
    ("Nous sommes le conseil de développement de la métropole et voudrions recenser les besoins de transport des habitants", "organisme"),
])
def test_self_declared_applicants_and_intercos_named_as_clients(checker, idea, kind):
    verdict = checker.check(idea)
    assert verdict.verdict == "not_eligible", (idea, verdict.verdict, verdict.reasons)
    assert checker._applicant_not_interco(normalize(idea)) == kind
    assert [r.rule_id for r in verdict.reason_details] == ["public-cible", "faq-commune-seule"]
    assert verdict.reasons[1].startswith("Conseil")


@pytest.mark.parametrize("idea", [
    "notre commune, avec la communauté de communes, veut détecter les dépôts sauvages",
    "Nous sommes une communauté de communes, nous voulons suivre la qualité de l'air près des écoles",
    "Je suis chargée de mission à l'agglo, on veut mieux cibler les aides au logement",
    "Entreprises du territoire : l'agglo veut suivre la vacance des locaux commerciaux",
    "La CC veut aider les associations locales à mieux cibler l'aide alimentaire",
    # the bearer said in so many words; a person writes for whom they name
    "Je suis maire d'une commune membre, mais c'est le service habitat de l'agglo qui portera le projet : repérer les logements vacants",
    "Stagiaire à la communauté de communes : on veut suivre la fréquentation des déchèteries",
    # its partners, its communes and its founding year do not make it another applicant
    "Notre communauté de communes, qui regroupe 25 communes, veut suivre les fuites du réseau d'eau",
    "La CC, en partenariat avec le département, veut analyser la mobilité pour adapter le transport à la demande",
    "Notre agglo veut un tableau de bord des déchets ; c'est l'agglo qui porte le projet",
    # « à la région », « au département » further in is where the data goes, not who applies
    "Notre communauté de communes veut suivre ses bornes de recharge et transmettre les chiffres à la région",
    "À la communauté de communes on voudrait suivre les fuites du réseau d'eau, avec l'appui du département",
    "Communauté d'agglomération : on est membre du PETR mais c'est nous qui portons le projet de suivi des déchets",
    # a person who says for whom they speak; a body of the intercommunalité's own; a bearer said otherwise
    "Je suis adjointe au maire et vice-présidente de la CC ; je parle au nom de la communauté de communes : suivre les fuites d'eau",
    "Office de tourisme intercommunal : compter les visiteurs des sites naturels pour étaler la fréquentation",
    "Le projet serait porté par la communauté d'agglomération, le CCAS de la ville-centre aide : repérer la précarité énergétique",
])
def test_an_interco_in_the_applicant_role_wins(checker, idea):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", (idea, verdict.verdict, verdict.reasons)
    assert not any("intercommunalit" in m for m in verdict.missing)


@pytest.mark.parametrize("idea,verdict_name", [
    ("l'agglo veut publier ses donnees sur data.gouv", "not_priority"),
    ("on veut nommer un administrateur de données dans notre interco", "not_priority"),
    ("la metropole souhaite harmoniser les données entre ses services", "not_priority"),
    ("on veut recruter un data analyst", "to_clarify"),
    ("compter les passages sur les pistes cyclables pour planifier notre schéma directeur cyclable", "eligible"),
])
def test_data_centric_edges(checker, idea, verdict_name):
    assert checker.check(idea).verdict == verdict_name


@pytest.mark.parametrize("idea, domain", [
    # the words of a water network, without « eau » (« fuites » alone is a generic word)
    ("La CC voudrait croiser les relevés de débit et l'âge des canalisations pour localiser les fuites", "eau"),
    ("Notre interco perd beaucoup entre le forage et le robinet, on voudrait savoir où", "eau"),
    # what pollutes the air, without « qualité de l'air »
    ("Comcom de vallée : mesurer les particules l'hiver, quand le chauffage au bois tourne partout", "air"),
    # energy and housing by the words of renovation: passoires, DPE, France Rénov'
    ("L'agglo veut repérer les passoires thermiques des centres-bourgs pour y envoyer ses conseillers", "énergie"),
    ("Notre CA voudrait trier les DPE par quartier pour savoir où pousser les aides", "énergie"),
    ("Communauté urbaine : les passoires thermiques du parc privé, où sont-elles ?", "habitat"),
    # cemeteries are planned like land: concessions, saturation, extensions
    ("La CC gère quatre cimetières, on voudrait suivre les concessions qui arrivent à échéance et prévoir les extensions",
     "urbanisme"),
])
def test_a_domain_named_by_its_own_things(checker, idea, domain):
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", (idea, verdict.verdict, verdict.reasons)
    assert domain in verdict.domains


def test_data_used_to_reach_out_to_people_is_a_policy_use(checker):
    """« dans le respect du RGPD » names a data word, but « aller vers » / « repérer » / « prévenir » say what for."""
    idea = ("Le CIAS de l'agglo voudrait croiser, dans le respect du RGPD, les impayés et les demandes d'aide "
            "pour aller vers les familles isolées")
    verdict = checker.check(idea)
    assert verdict.verdict == "eligible", verdict.reasons
    assert "social" in verdict.domains
    assert checker.check("L'agglo veut un catalogue de données conforme au RGPD").verdict == "not_priority"


def test_a_word_typed_without_its_accents_is_not_read_as_another_domain_s_keyword(checker):
    """« releves » (relevés) is one letter from « eleves » (élèves): a typo keeps its first letter."""
    verdict = checker.check("Notre CC voudrait exploiter les releves des compteurs d'eau pour trouver les fuites")
    assert verdict.verdict == "eligible" and "eau" in verdict.domains
    assert "éducation" not in verdict.domains
    assert "mobilité" in checker.check("notre interco veut suivre la mobilitée des habitants").domains  # still read


def test_security_is_the_public_s_not_the_servers(checker):
    """« sécurité » alone (of a data platform, of the servers) is no policy; road accidents are."""
    verdict = checker.check("L'agglo veut un data lake alimenté par tous ses services, avec une sécurité de bout en bout")
    assert verdict.verdict == "not_priority" and "sécurité" not in verdict.domains
    assert "sécurité" in checker.check("La CC veut croiser l'accidentologie et les vitesses près des écoles").domains


@pytest.mark.parametrize("idea, verdict_name", [
    # a body that acts towards the applicant is not the applicant: « nous » then its verb, not ours
    ("La région nous a transmis ses comptages de trafic. Nous, communauté d'agglomération, voudrions adapter nos lignes de bus",
     "eligible"),
    ("En tant que département, nous voulons suivre la fréquentation des collèges", "not_eligible"),
    # an eurométropole is a métropole
    ("L'Eurométropole voudrait croiser ses capteurs et les relevés de l'observatoire régional pour suivre l'air", "eligible"),
    # a researcher or a teacher writes for their university or school
    ("Je suis enseignant-chercheur à l'université : on voudrait analyser les crues des rivières avec les stations", "not_eligible"),
    ("Professeure au lycée, j'aimerais cartographier les trajets des élèves", "not_eligible"),
    # a university's lecturer, their own lab
    ("Maîtresse de conférences en géographie, je voudrais étudier le bruit routier près des écoles", "not_eligible"),
    ("mon labo bosse sur les déplacements des habitants de l'agglo, on peut candidater ?", "not_eligible"),
    # a data lakehouse whose uses come later serves no policy yet
    ("La CA veut monter un data lakehouse pour réunir toutes ses bases, les usages métier viendront après", "not_priority"),
])
def test_who_speaks_and_who_acts_towards_them(checker, idea, verdict_name):
    assert checker.check(idea).verdict == verdict_name, checker.check(idea).reasons


def test_particulier_as_an_adjective_and_the_hotel_of_a_body(checker):
    """« sans projet particulier » is no private person; « À l'hôtel du département » is the département."""
    idea = "Un espace de partage de fichiers avec les mairies, sans projet métier particulier derrière pour l'instant"
    assert checker._applicant_not_interco(normalize(idea)) is None
    assert checker._applicant_not_interco(normalize("À l'hôtel du département, notre service voirie veut suivre les routes")) \
        == "département"
    assert checker._applicant_not_interco(normalize("Je suis un particulier et je voudrais suivre le bruit")) == "particulier"


def test_data_with_no_use_in_mind_asked_for_an_idea_is_to_clarify(checker):
    """Data-centric words, but the applicant says it does not know what for and asks: the idea is to clarify,
    not a data project to redirect; a data project with no such words stays not a priority."""
    asking = "Nos logiciels métiers sont pleins de données, on voudrait les valoriser, mais pour quoi faire ? Aidez-nous à trouver une idée"
    assert checker.check(asking).verdict == "to_clarify"
    assert checker.check("L'agglo veut un catalogue de données pour tous ses services").verdict == "not_priority"
