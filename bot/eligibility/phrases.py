"""Phrase lists from `knowledge/eligibility/*.yaml`, compiled into matchers over normalised text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.retrieval.normalize import normalize


# Elided words a phrase may spell out or not: « bureau d'études » is normalised to « bureau etudes »,
# « bureau d etudes » (typed without the apostrophe) keeps its « d ».
ELIDED = {"d", "l", "j", "m", "n", "s", "t", "c", "qu"}


def _pattern(phrase: str) -> str:
    wildcard = phrase.strip().endswith("*")
    words = normalize(phrase.rstrip("*")).split()
    parts: list[str] = []
    pending = ""
    for index, word in enumerate(words):
        if word in ELIDED and 0 < index < len(words) - 1:
            pending = rf"(?:{re.escape(word)}\s+)?"
            continue
        parts.append(pending + re.escape(word))
        pending = ""
    body = r"\s+".join(parts)
    return rf"\b{body}\w*" if wildcard else rf"\b{body}\b"


class Phrases:
    """Finds the first of a list of phrases in a text (normalised: no case, accents or elisions)."""

    def __init__(self, phrases: list[str]):
        self.phrases = [p for p in phrases if normalize(p.rstrip("*"))]
        self._regex = re.compile("|".join(f"(?:{_pattern(p)})" for p in self.phrases)) if self.phrases else None

    def find(self, normalized_text: str) -> str | None:
        if self._regex is None:
            return None
        match = self._regex.search(normalized_text)
        return match.group(0) if match else None

    def starts(self, normalized_text: str) -> bool:
        """Whether one of the phrases begins the text."""
        return bool(self._regex and self._regex.match(normalized_text))

    def count(self, normalized_text: str) -> int:
        return len(self._regex.findall(normalized_text)) if self._regex else 0

    def remove(self, normalized_text: str) -> str:
        return self._regex.sub(" ", normalized_text) if self._regex else normalized_text


class SelfDeclared:
    """Finds an applicant who says what they are: a noun at the start of the text, after an opener
    that starts it (« À la Région, on voudrait… »), or after an introduction (« en tant que », « je
    suis »), determiners skipped, and a person's role with its preposition (« je suis directrice du
    CCAS », « chargée de mission au PETR »: for whom they write). Returns the noun's kind."""

    def __init__(self, intros: list[str], determiners: list[str], nouns: dict[str, list[str]],
                 openers: list[str] = (), roles: list[str] = (), role_links: list[str] = (), own: list[str] = ()):
        intro = "|".join(_pattern(i)[2:] for i in intros if normalize(i))
        opener = "|".join(_pattern(o)[2:] for o in openers if normalize(o))
        start = rf"^(?:(?:{opener})\s+)?" if opener else "^"
        skip = "|".join(re.escape(normalize(d)) for d in determiners if normalize(d))
        role = "|".join(_pattern(r)[2:] for r in roles if normalize(r))
        link = "|".join(re.escape(normalize(w)) for w in role_links if normalize(w))
        person = rf"(?:(?:{skip})\s+)*(?:{role})\s+(?:{link})\s+" if role and link else ""
        lead = rf"(?:{start}|\b(?:{intro})\s+)(?:{person})?(?:(?:{skip})\s+)*"

        def declaring(words: list[str]) -> re.Pattern:
            # not a body that acts towards the applicant (« Le département nous a proposé ses données. Nous, CC… »):
            # « nous » then a verb that is not its own (« En tant que commune, nous voulons… » declares)
            return re.compile(lead + "(?:" + "|".join(_pattern(n)[2:] for n in words) + ")"
                              + r"(?!\s+(?:nous|vous)\s+(?!\w+(?:ons|ez)\b|sommes\b|etes\b))")

        # an organisation of the intercommunalité's own (« office de tourisme intercommunal ») declares none
        self._own = declaring(own) if own else None
        self._regexes = {kind: declaring(words) for kind, words in nouns.items() if words}

    def find(self, normalized_text: str) -> str | None:
        if self._own and self._own.search(normalized_text):
            return None
        for kind, regex in self._regexes.items():
            if regex.search(normalized_text):
                return kind
        return None


@dataclass
class Domain:
    name: str
    programme: bool
    parent: str | None
    description: str
    keywords: Phrases
    weak: Phrases


@dataclass
class Rules:
    domains: list[Domain]
    interco: Phrases
    interco_negated: Phrases
    interco_other_role: re.Pattern  # an intercommunalité named in another role than the applicant's
    not_interco: dict[str, Phrases]
    self_declared: SelfDeclared
    data_centric: Phrases
    data_management: re.Pattern  # work on the data itself (« partage des données »)
    early_stage: Phrases
    no_use_yet: Phrases  # the applicant says it has no use in mind yet, and asks for one
    data_words: Phrases
    english: set[str]
    policy_use: Phrases
    doubtful_applicant: Phrases
    bearer: re.Pattern  # « c'est la communauté d'agglomération qui porte le projet »: group 1 the bearer
    bearer_after: re.Pattern  # « le projet serait porté par le CCAS »: group 1 begins with the bearer
    bearer_before: re.Pattern  # « le SDIS serait porteur de la candidature »: group 1 ends with the bearer
    determiners: re.Pattern  # the determiners that begin a text, to remove
    co_bearer: re.Pattern  # « avec la CC »: group 1 the words that may name an intercommunalité
    min_french_share: float
    vocabulary: list[str]
    aliases: dict[str, str]

    def canonical_domain(self, name: str) -> str:
        """Our name of a domain given by any of its names (example entries use their own words)."""
        key = normalize(name)
        return self.aliases.get(key, key)


def _in_other_role(cues: list[str], determiners: list[str], intercos: list[str]) -> re.Pattern:
    """« mandaté par une communauté d'agglomération »: a cue, determiners or a number, an intercommunalité."""
    cue = "|".join(_pattern(c)[2:] for c in cues if normalize(c))
    skip = "|".join(re.escape(normalize(d)) for d in determiners if normalize(d))
    interco = "|".join(_pattern(i)[2:] for i in intercos if normalize(i.rstrip("*")))
    return re.compile(rf"\b(?:{cue})\s+(?:(?:{skip}|\d+)\s+)*(?:{interco})")


def _data_management(verbs: list[str], objects: list[str], around: list[str]) -> re.Pattern:
    """« partage des données », « administrateur général des données », « autour de la donnée »."""
    verb = "|".join(_pattern(v)[2:] for v in verbs if normalize(v.rstrip("*")))
    obj = "|".join(_pattern(o)[2:] for o in objects if normalize(o.rstrip("*")))
    whole = "|".join(_pattern(a)[2:] for a in around if normalize(a))
    return re.compile(rf"\b(?:(?:{verb})(?:\s+\w+){{0,2}}\s+(?:{obj})|{whole})")


def _bearer(verbs: list[str]) -> re.Pattern:
    """« est <one to eight words> qui <verb>… » (« c'est la communauté d'agglomération qui porte »), from
    the last « est » before « qui » (« on est membre de la CC mais c'est nous qui portons »: « nous »)."""
    verb = "|".join(re.escape(normalize(v)) for v in verbs if normalize(v))
    return re.compile(rf"\best ((?:(?!est )\w+ ){{1,8}}?)qui (?:{verb})\w*")


_BEING = r"(?:est|sera|serait|etait|sont|seront|seraient|serions|serons|sommes)"


def _bearer_after(verbs: list[str]) -> re.Pattern:
    """« <verb>é par <the bearer> » (« le projet serait porté par le CCAS »), « au nom de <the bearer> »
    (« je parle au nom de la communauté d'agglomération »; not « pour le compte de l'agglo », a client): group
    1 the words after, the bearer at their start."""
    verb = "|".join(re.escape(normalize(v)) for v in verbs if normalize(v))
    return re.compile(rf"\b(?:{_BEING} (?:{verb})\w*e?s? par|au nom d(?:e|u|es)) ((?:\w+ ?){{1,8}})")


def _bearer_before(nouns: list[str]) -> re.Pattern:
    """« <the bearer> serait porteur… » (« le SDIS serait porteur de la candidature »): group 1 the words
    before the verb, the bearer at their end."""
    noun = "|".join(re.escape(normalize(n)) for n in nouns if normalize(n))
    return re.compile(rf"((?:\w+ ){{1,8}}){_BEING} (?:le |la |les )?(?:{noun})\b")


def _co_bearer(cues: list[str], not_after: list[str]) -> re.Pattern:
    """A cue, not followed by an indefinite determiner, then up to four words (group 1)."""
    cue = "|".join(_pattern(c)[2:] for c in cues if normalize(c))
    indefinite = "|".join(_pattern(d)[2:] for d in not_after if normalize(d))
    return re.compile(rf"\b(?:{cue}) (?!(?:{indefinite}) )((?:\w+ ){{1,4}})")


def _leading(determiners: list[str]) -> re.Pattern:
    """The determiners that begin a text (« la », « notre petite »…), to remove."""
    return re.compile(r"^(?:(?:" + "|".join(re.escape(normalize(d)) for d in determiners if normalize(d)) + r")\s+)+")


def load_rules(knowledge_dir: Path) -> Rules:
    folder = knowledge_dir / "eligibility"
    domains_data = yaml.safe_load((folder / "domains.yaml").read_text(encoding="utf-8"))["domains"]
    rules = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    domains = [
        Domain(
            name=d["name"],
            programme=bool(d.get("programme")),
            parent=d.get("parent"),
            description=d.get("description", ""),
            keywords=Phrases(list(d.get("keywords", [])) + list(d.get("aliases", []))),
            weak=Phrases(list(d.get("weak", []))),
        )
        for d in domains_data
    ]
    return Rules(
        domains=domains,
        interco=Phrases(rules["interco"]),
        interco_negated=Phrases(rules["interco_negated"]),
        interco_other_role=_in_other_role(rules["interco_other_role"], rules["interco_other_role_determiners"], rules["interco"]),
        not_interco={kind: Phrases(phrases) for kind, phrases in rules["not_interco"].items()},
        self_declared=SelfDeclared(rules["self_intro"], rules["self_determiners"], rules["self_nouns"],
                                   rules.get("self_openers", []), rules.get("self_roles", []),
                                   rules.get("self_role_links", []), rules.get("self_own", [])),
        data_centric=Phrases(rules["data_centric"]),
        data_management=_data_management(rules["data_management"], rules["data_management_object"],
                                         rules["data_management_around"]),
        early_stage=Phrases(rules["early_stage"]),
        no_use_yet=Phrases(rules.get("no_use_yet", [])),
        data_words=Phrases(rules["data_words"]),
        english={normalize(w) for w in rules["english"]},
        policy_use=Phrases(rules["policy_use"]),
        doubtful_applicant=Phrases(rules["doubtful_applicant"]),
        bearer=_bearer(rules["bearer_verbs"]),
        bearer_after=_bearer_after(rules["bearer_verbs"]),
        bearer_before=_bearer_before(rules["bearer_nouns"]),
        determiners=_leading(rules["self_determiners"]),
        co_bearer=_co_bearer(rules["co_bearer_cues"], rules["co_bearer_not_after"]),
        min_french_share=float(rules["min_french_share"]),
        vocabulary=sorted({w for d in domains_data for k in d.get("keywords", []) for w in normalize(k.rstrip("*")).split() if len(w) >= 5}),
        aliases={normalize(a): d["name"] for d in domains_data for a in [d["name"], *d.get("aliases", [])]},
    )
