"""Pure functions turning one typed answer into a clean value, or raising `FieldError` with a French reason.

Each parser takes the raw text and returns the value stored in the draft:

>>> siren("123 456 782")
'123456782'
>>> maturity("on a juste une idée")
'idée'
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.candidature.models import IntercoDetails, Person
from bot.prompts import say
from bot.retrieval.normalize import normalize

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
EMAIL_CANDIDATE = re.compile(r"\S+@\S*|\S*@\S+")
TAG = re.compile(r"<[^>]{0,200}>")
SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[@-_]")  # terminal escape sequences (colours, cursor)
# what no answer is: a line of SQL, or a Markdown link alone (pasted, or a probe)
SQL = re.compile(r"(^\s*['\";)]+\s*;?|;)\s*(drop|delete|insert|update|alter|truncate|select|create)\b|"
                 r"\b(drop|truncate|alter)\s+table\b|\bunion\s+select\b|\bor\s+'?1'?\s*=\s*'?1",
                 re.IGNORECASE)
LINK_ALONE = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*$")


def _printable(text: str) -> str:
    """Without control characters (a line break or a tab becomes a space), zero-width and direction marks."""
    text = ANSI.sub("", text)
    return "".join(" " if ch in "\n\r\t" else ch for ch in text
                   if ch in "\n\r\t" or unicodedata.category(ch) not in ("Cc", "Cf"))
_DEPARTEMENTS_FILE = Path(__file__).with_name("departements.yaml")


class FieldError(ValueError):
    """An answer that cannot be accepted; `message_fr` says why, in French."""

    def __init__(self, message_fr: str):
        super().__init__(message_fr)
        self.message_fr = message_fr


def _error(key: str, **values) -> FieldError:
    return FieldError(say("form", key, **values))


def clean(text: str, max_length: int = 200, min_length: int = 1) -> str:
    """Text without HTML tags, control characters and extra spaces; refuses empty, symbol-only,
    too long or too short answers, and what is no answer (a line of SQL, a Markdown link alone)."""
    text = _printable(html.unescape(TAG.sub(" ", SCRIPT.sub(" ", text or ""))))
    text = " ".join(text.split())
    if not text:
        raise _error("error_empty")
    if not any(ch.isalnum() for ch in text):
        raise _error("error_no_text")
    if SQL.search(text) or LINK_ALONE.match(text):
        raise _error("error_not_an_answer")
    if len(text) > max_length:
        raise _error("error_too_long", length=len(text), limit=max_length)
    if len(text) < min_length:
        raise _error("error_too_short")
    return text


def short_text(text: str) -> str:
    """A name or a title: words, not a bare number."""
    text = clean(text, max_length=200, min_length=2)
    if sum(ch.isalpha() for ch in text) < 2:
        raise _error("error_no_words")
    return text


def long_text(text: str) -> str:
    return clean(text, max_length=5000, min_length=10)


# -- intercommunalité ---------------------------------------------------------------------------
INTERCO_TYPES = {
    "communauté de communes": ["communaute de communes", "cc", "comcom", "com com", "communes"],
    "communauté d’agglomération": ["communaute d agglomeration", "ca", "agglo", "agglomeration", "communaute d agglo"],
    "communauté urbaine": ["communaute urbaine", "cu", "urbaine"],
    "métropole": ["metropole", "metro"],
    "établissement public territorial": ["etablissement public territorial", "ept"],
    "autre EPCI": ["autre", "autre epci", "epci", "syndicat", "pays", "pole", "petr", "pole d equilibre"],
}


def interco_type(text: str) -> str:
    key = normalize(short_text(text))
    for canonical, aliases in INTERCO_TYPES.items():
        if key == normalize(canonical) or key in aliases:
            return canonical
    for canonical, aliases in INTERCO_TYPES.items():
        if any(len(alias) > 3 and alias in key for alias in [normalize(canonical), *aliases]):
            return canonical
    raise _error("error_type", choices=", ".join(INTERCO_TYPES))


# Words that name the type inside an official name (« Communauté de communes du Val Vert », « CA du Grand
# Dax », « Rennes Métropole ») — stricter than the casual answers above: "pays" or "communes" alone say nothing.
_TYPE_IN_NAME = [
    ("communauté de communes", r"\bcommunaute (?:de )?communes\b|^cc\b|\bcomcom\b"),
    ("communauté d’agglomération", r"\bcommunaute (?:d )?agglomeration\b|^ca\b|\bagglo(?:meration)?\b"),
    ("communauté urbaine", r"\bcommunaute urbaine\b|^cu\b"),
    ("métropole", r"\bmetropole\b"),
    ("établissement public territorial", r"\betablissement public territorial\b|^ept\b"),
]


def type_from_name(name: str) -> str | None:
    """The type an official name states, or None: « Communauté de communes du Val Vert » -> communauté de communes."""
    key = normalize(name or "")
    return next((canonical for canonical, pattern in _TYPE_IN_NAME if re.search(pattern, key)), None)


@lru_cache(maxsize=1)
def departements() -> dict[str, str]:
    return {str(code): name for code, name in yaml.safe_load(_DEPARTEMENTS_FILE.read_text(encoding="utf-8")).items()}


def departement(text: str) -> str:
    """« 35 », « 2a », « ille et vilaine », « Ile-et-Vilaine » -> « Ille-et-Vilaine (35) »."""
    raw = clean(text, max_length=60)
    table = departements()
    code = raw.upper().replace(" ", "")
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code in table:
        return f"{table[code]} ({code})"
    if code == "20":
        raise _error("error_departement_corse")
    if code in OVERSEAS_COLLECTIVITIES:
        raise _error("error_departement_com", code=code)
    names = {normalize(name): c for c, name in table.items()}
    match = process.extractOne(normalize(raw), list(names), scorer=fuzz.ratio, score_cutoff=85)
    if match:
        found = names[match[0]]
        return f"{table[found]} ({found})"
    raise _error("error_departement")


# Overseas collectivities with codes that look like départements' but are not départements
OVERSEAS_COLLECTIVITIES = {"975", "977", "978", "984", "986", "987", "988", "989"}


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def siren(text: str) -> str:
    digits = re.sub(r"[\s.\-]", "", text or "")
    if not digits.isdigit() or len(digits) != 9:
        raise _error("error_siren_length", count=sum(ch.isdigit() for ch in digits))
    if not luhn_ok(digits):
        raise _error("error_siren_key")
    return digits


def _number(text: str) -> int:
    """« 45 000 », « 45k », « 45 000,5 » -> 45000."""
    text = text.lower().replace("\u202f", " ").replace("\xa0", " ")
    match = re.match(r"\s*(\d[\d\s.]*)(?:,\d+)?\s*(k|mille)?", text)
    number = int(re.sub(r"[\s.]", "", match.group(1)))
    return number * 1000 if match.group(2) else number


def interco_details(text: str) -> IntercoDetails:
    """Optional details in one message: SIREN, population, number of communes, in any order."""
    text = clean(text, max_length=500)
    details = IntercoDetails()
    found = False
    siren_match = re.search(r"(?<!\d)(\d{3}[\s.]?\d{3}[\s.]?\d{3})(?![\d])(?!\s*(?:hab|k\b|mille|communes?))", text)
    if siren_match:
        details.siren = siren(siren_match.group(1))
        text = text.replace(siren_match.group(0), " ")
        found = True
    population = re.search(r"(\d[\d\s.\u202f\xa0]*(?:k|mille)?)\s*(?:hab|habitants|personnes|âmes)", text, re.I) or re.search(
        r"population\s*(?:de|:)?\s*(\d[\d\s.\u202f\xa0]*(?:k\b|mille)?)", text, re.I
    )
    if population:
        details.population = _number(population.group(1))
        found = True
    communes = re.search(r"(\d+)\s*communes?", text, re.I)
    if communes:
        details.communes = int(communes.group(1))
        found = True
    if not found:
        raise _error("error_details_nothing")
    return details


# -- people -------------------------------------------------------------------------------------
def email(text: str) -> str:
    candidate = (text or "").strip().strip("<>()[];,.")
    if "@" not in candidate:
        raise _error("error_email_no_at")
    if not EMAIL.fullmatch(candidate):
        raise _error("error_email_invalid", email=candidate[:80])
    return candidate.lower()


_CAP = r"[A-ZÀ-ÖØ-ÞŒ][^\W\d_]*(?:[’'\-][^\W\d_]+)*"
NAME_THEN_ROLE = re.compile(rf"^((?:{_CAP}\s+){{1,3}}{_CAP})\s+([a-zà-öø-ÿœ].*)$")


# a French phone number, with what names it (« tél. : 06 12 34 56 78 », « +33 6 12 34 56 78 »): the form asks for none
PHONE = re.compile(r"(?:\b(?:t[ée]l[ée]phone|t[ée]l|portable|mobile|fixe|ligne directe)\b\s*\.?\s*:?\s*)?"
                   r"(?:\+33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b", re.IGNORECASE)


def person(text: str) -> Person:
    """« Marie Dupont, cheffe du service déchets, marie.dupont@agglo.fr » (commas, semicolons or lines).
    A phone number given with them is left out: it is not their function, and the form does not ask for it."""
    text = clean(re.sub(r"\s*\n\s*", ", ", (text or "").strip()), max_length=400)
    candidate = EMAIL_CANDIDATE.search(text)
    if not candidate:
        raise _error("error_email_missing")
    address = email(candidate.group(0))
    rest = PHONE.sub(" ", text[: candidate.start()] + " " + text[candidate.end():])
    parts = [p.strip(" -–:") for p in re.split(r"[,;]|\s[-–]\s", rest) if p.strip(" -–:")]
    if len(parts) == 1:
        # « Marie Dupont cheffe du service déchets »: capitalised words, then the role in lower case
        unseparated = NAME_THEN_ROLE.match(parts[0])
        if unseparated:
            parts = [unseparated.group(1), unseparated.group(2)]
    if len(parts) < 2:
        raise _error("error_person_parts")
    name, role = parts[0], ", ".join(parts[1:])
    if not re.search(r"[^\W\d_]{2,}", name) or len(name) > 80:
        raise _error("error_person_name", name=name[:80])
    return Person(name=name, role=role, email=address)


# -- project ------------------------------------------------------------------------------------
KNOWN_DOMAINS = {
    "déchets": ["dechet", "dechets", "collecte", "tri", "ordures"],
    "mobilité": ["mobilite", "mobilites", "transport", "transports", "deplacements"],
    "mobilités douces": ["mobilites douces", "mobilite douce", "velo", "marche"],
    "santé": ["sante", "soins"],
    "social": ["social", "action sociale", "solidarite"],
    "inclusion numérique": ["inclusion numerique", "numerique"],
    "relation citoyenne": ["relation citoyenne", "relation usagers", "citoyennete", "participation citoyenne"],
    "développement économique": ["developpement economique", "economie", "commerce", "emploi"],
    "transition écologique": ["transition ecologique", "ecologie", "environnement", "climat", "pcaet"],
    "développement durable": ["developpement durable", "durable"],
    "énergie": ["energie", "energies", "renovation energetique"],
    "eau": ["eau", "assainissement"],
    "habitat": ["habitat", "logement", "logements"],
    "air": ["air", "qualite de l air", "pollution"],
    "alimentation": ["alimentation", "agriculture"],
    "tourisme": ["tourisme"],
    "urbanisme": ["urbanisme", "amenagement", "foncier"],
}


MAX_DOMAIN_WORDS = 4  # « patrimoine culturel », « gestion des milieux aquatiques »: a domain is named in a few words


def domains(text: str) -> list[str]:
    """Comma-separated domains; known ones are named canonically, others kept as written. An answer with a
    piece of more than MAX_DOMAIN_WORDS words is a sentence, not a list (« Réduire les dépôts sauvages en
    croisant les tournées de collecte »): the known domains it names are kept (« collecte »: déchets), and
    when it names none, the question is asked again."""
    text = clean(text, max_length=300)
    if sum(ch.isalpha() for ch in text) < 2:
        raise _error("error_domains")
    parts = [part.strip(" .") for part in re.split(r"[,;/\n]|\bet\b|\+", text)]
    parts = [part for part in parts if part and any(ch.isalnum() for ch in part)]
    if any(len(normalize(part).split()) > MAX_DOMAIN_WORDS for part in parts):  # a sentence: the domains it names
        key = normalize(text)
        out = [c for c, aliases in KNOWN_DOMAINS.items()
               if any(re.search(rf"\b{re.escape(a)}\b", key) for a in (normalize(c), *aliases))]
    else:
        out = []
        for part in parts:
            key = normalize(part)
            canonical = next((c for c, aliases in KNOWN_DOMAINS.items() if key == normalize(c) or key in aliases), None)
            value = canonical or part
            if value not in out:
                out.append(value)
    if not out:
        raise _error("error_domains")
    return out


MATURITY = {
    "idée": ["idee", "une idee", "juste une idee", "simple idee", "reflexion", "pas commence", "pas encore", "rien commence", "piste"],
    "en conception": ["conception", "en conception", "en cours de conception", "on y travaille", "etude", "en preparation", "prototype", "maquette"],
    "déjà engagé": ["deja engage", "engage", "commence", "lance", "en cours", "demarre", "deja", "pilote en cours", "deploye"],
}


def maturity(text: str) -> str:
    key = normalize(clean(text, max_length=200))
    for canonical, aliases in MATURITY.items():
        if key == normalize(canonical) or key in aliases:
            return canonical
    for canonical, aliases in MATURITY.items():
        if any(alias in key for alias in aliases):
            return canonical
    raise _error("error_maturity")
