"""What an applicant says of the intercommunalité they write for, before asking (« on est une petite com com
rurale », « DGS d'une agglomération de 60 000 habitants. », « notre communauté de communes est petite »).

Every applicant the programme takes is an intercommunalité: saying one is does not ask who may apply. Yet its
words (« communauté de communes », « petite », « habitants ») are those of the entry that answers who may
apply, so a long introduction drew the question it came with there (« …une cinquantaine de territoires
choisis, ce qui me rassure car notre communauté de communes est petite. Est-ce bien le chiffre ? »).
`without_introduction` leaves it out of what is searched, unless what follows asks whether the
intercommunalité may apply (« on est une métropole de 500 000 habitants, le programme nous concerne ? »): the
description is then the question.

What is not an intercommunalité (a commune, a syndicat, a PETR…) decides the answer and stays.

    >>> without_introduction("on est une petite com com rurale, on a pas de data scientist, ça suffit comme équipe ?")
    'on a pas de data scientist, ça suffit comme équipe ?'
    >>> without_introduction("Nous sommes une commune de 3 000 habitants, peut-on candidater ?")
    'Nous sommes une commune de 3 000 habitants, peut-on candidater ?'

Who relays the question (« ma DG me demande qui finance le programme ») is left out too (`without_relay`): « demande »
and the director's title are the words of no entry, and they drew the question to the entry on who may apply.

    >>> without_relay("ma DG me demande qui finance le programme")
    'qui finance le programme'
"""

from __future__ import annotations

import re

from bot.retrieval.parts import plain

_A = r"[aàâ]"
_E = r"[eéèê]"
# the intercommunalité itself, as applicants name it
_INTERCO = (
    rf"(?:communaut{_E}s? (?:de communes|d['’ ]?agglo(?:m{_E}ration)?|urbaine)|com ?com|com d['’ ]?agglo|cdc|cc|ca|cu|epci|"
    rf"interco(?:mmunalit{_E})?|agglo(?:m{_E}ration)?|m{_E}tropole)s?"
)
_DETERMINER = r"(?:une?|l['’]\s*|la|le|notre|1)\s*"
_SIZE_WORD = r"(?:(?:tr[eè]s|toute?s?|assez|plut[oô]t)\s+)?(?:petite?s?|peti|grande?s?|jeune|rurale?s?|moyenne|modeste|nouvelle)"
_SIZES = rf"(?:{_SIZE_WORD}\s+(?:et\s+)?)*"
# what follows the name: its size, its place (« de 16 communes », « de 80 000 habitants », « rurale », « de montagne »)
_ONE_COMPLEMENT = (
    rf"(?:\s*,?\s*(?:{_SIZE_WORD}|de montagne|littorale|du littoral|(?:de|d['’]\s*environ|d['’]\s*{_A} peu pr{_E}s|"
    rf"avec|qui compte|comptant|regroupant)\s+(?:environ\s+|pr{_E}s de\s+|plus de\s+|moins de\s+)?"
    rf"(?:\d[\d\s .]*|une? |deux |trois |quatre |cinq |six |sept |huit |neuf |dix |\w+\s+)\s*(?:000\s+)?"
    rf"(?:habitants|hab|communes|agents|villages)))"
)
_COMPLEMENT = rf"{_ONE_COMPLEMENT}*"
_PLACE = rf"(?:dans|{_A}|au sein d['’]|de|d['’]|du|pour|chez|en)\s*"
# a person's role before it (« vice-président au numérique », « le seul geek »), which tells nothing of the project
_ROLE = r"(?:(?!(?:en train|dossier|candidature|projet|programme|formation)\b)[^,;:.?!])"
_ASKING = r"(?:quel(?:le)?s?|qui|que|quoi|comment|combien|pourquoi|o[uù]|est[- ]ce)\b"
# « nous sommes / on est / je suis … dans une … », « notre communauté de communes (est petite) »
_SAYS = re.compile(
    rf"\b(?:(?:nous sommes|nous,? on est|on est|on [eé]|je suis|jsuis|j['’ ]suis|je travaille|je bosse|"
    rf"j['’ ]?officie)\s+(?:{_ROLE}{{0,60}}?\s)??(?:{_PLACE})?{_DETERMINER}{_SIZES}{_INTERCO}\b{_COMPLEMENT}"
    rf"|notre\s+{_SIZES}{_INTERCO}\b(?:\s+(?:est|reste)\s+{_SIZE_WORD}(?:\s+et\s+{_SIZE_WORD})*|{_ONE_COMPLEMENT}+(?=\s*[,.;:]))"
    rf"|(?:^|(?<=[.!?]\s))(?!{_ASKING}){_ROLE}{{2,50}}?\s(?:d['’ ]\s*|de la\s+|du\s+|dans\s+){_DETERMINER}?{_SIZES}{_INTERCO}\b"
    rf"{_COMPLEMENT}(?=\s*[.:;]))",
    re.IGNORECASE,
)
_LEFT_OVER = re.compile(r"^[\s,;:.]+|(?<=[,;:.])\s*[,;:.]+|\s+(?=[,.])")
_LINK_AFTER = re.compile(r"\s*(?:,\s*)?(?:et|mais|donc|alors)\b\s*,?\s*", re.IGNORECASE)
MIN_WORDS = 3  # what is left must still say something
# what asks whether the intercommunalité described may apply: then its description is the question (« on est
# une métropole de 500 000 habitants, le programme nous concerne ? », « une cc rurale de 9 communes, on peut y
# aller ? »)
_ASKS_TO_APPLY = re.compile(  # on the plain text (`parts.plain`)
    r"\b(?:candidat\w*|postul\w*|eligib\w*|concern\w*|rentr\w*|clous|cases|notre place|une place pour nous|nos chances|"
    r"y aller|tenter|deposer|participer|pretendre|accessible|ouvert\w*|reserve\w*|pour nous|comme (?:nous|la notre|le notre)|"
    r"(?:pour|aux) (?:les|des) (?:petite|grosse|grande)s?|(?:petite|grosse|grande)s? (?:structure|interco|collectivite|territoire)s?|"
    r"(?:pour|aux) (?:les|des) (?:metropole|agglo|interco)s?|c est pour (?:qui|nous)|notre taille|taille|niveau)\b"
)


# who asks, at the beginning (« mon DGS me demande si… », « le président voudrait savoir : », « ma cheffe demande
# qui… »): a person or a body of one to four words, then the verb that relays; what follows is the question
_RELAY = re.compile(
    r"^(?:(?:bonjour|bonsoir|slt|bjr|salut)\s*[,!.]?\s*)?(?:(?:mon|ma|mes|notre|nos|le|la|les|l['’])\s*(?:[^\s,;:?!.]+\s+){1,4}?"
    r"(?:me |m['’]|nous )?(?:a |ont )?(?:demandent|demandait|demandé|demande|voudraient savoir|voudrait savoir|veulent savoir|veut savoir|"
    r"aimerait savoir|souhaiterait savoir|souhaite savoir)|je me demande|on se demande|nous nous demandons)\b"
    r"\s*(?:si\s+|s['’]\s*(?=il)|:\s*|,\s*)?",
    re.IGNORECASE)


def without_relay(text: str) -> str:
    """`text` without who relays it at its beginning (`_RELAY`), when what follows still says MIN_WORDS words."""
    found = _RELAY.match(text)
    if found is None:
        return text
    left = text[found.end():]
    return left if len(plain(left).split()) >= MIN_WORDS else text


def without_introduction(text: str) -> str:
    """`text` without what the applicant says of their intercommunalité (`_SAYS`); `text` itself when that
    would leave fewer than MIN_WORDS words, or when what is left asks whether they may apply."""
    pieces, start = [], 0
    for found in _SAYS.finditer(text):
        pieces.append(text[start:found.start()])
        start = found.end()
        link = _LINK_AFTER.match(text, start)  # « nous sommes une CA et on aimerait… »
        if link is not None:
            start = link.end()
    if not pieces:
        return text
    left = "".join(pieces) + text[start:]
    left = " ".join(_LEFT_OVER.sub("", left).split())
    said = plain(left)
    return left if len(said.split()) >= MIN_WORDS and not _ASKS_TO_APPLY.search(said) else text
