"""How a French word sounds, roughly: the key that a word typed by ear shares with its spelling.

« domène » and « domaine », « projé » and « projet », « travo » and « travaux », « momen » and « moment »,
« ensembl » and « ensemble » are said alike: a typo corrector that compares letters sees them far apart
(« domène » is 77 % of « domaine »), one that compares sounds sees them equal. The key is read on a
word without accents (as the index keeps its words): vowels written in several ways are one vowel, a
consonant written in several ways one consonant, doubled letters one, and the letters French does not
say at the end of a word (« -e », « -s », « -t », « -d », « -x ») are left out.

>>> sound("domenes") == sound("domaine"), sound("travo") == sound("travaux"), sound("projet") == sound("proje")
(True, True, True)
>>> sound("benefisses") == sound("benefices")
True
"""

from __future__ import annotations

import re

# in this order: each rule reads what the ones before it wrote
_RULES = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"t(?=ion)"), "s"),  # « formassion », « formation »
    (re.compile(r"c(?=[eiy])|ç"), "s"),  # before the end of the word is cut: « bénéfice », « benefisse »
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters
    # the end of a word: « -er », « -ez », « -et », « -ai » are one « é »; « -e », « -es », then one of
    # « -d », « -s », « -t », « -x », then « -e » again are not said (« projet », « proje » ; « piste », « pist »)
    (re.compile(r"(?<=..)(?:er|ez|et|ai|ais|ait|aient)$"), "e"),
    (re.compile(r"(?<=..)(?:e|es)$"), ""),
    (re.compile(r"(?<=..)[dstx]$"), ""),
    (re.compile(r"(?<=..)e$"), ""),
    (re.compile(r"qu|q|c(?=[aouklrt]|$)|ck|k"), "k"),
    (re.compile(r"gu(?=[eiy])"), "g"),
    (re.compile(r"g(?=[eiy])"), "j"),
    (re.compile(r"(?<![cs])h"), ""),
    (re.compile(r"y"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"eau|au"), "o"),
    (re.compile(r"ai|ei"), "e"),
    (re.compile(r"[ae][nm](?=[^aeiouymn]|$)"), "@"),  # « an », « en », « am », « em »: one sound
    (re.compile(r"(?:[ae]?i|u)[nm](?=[^aeiouymn]|$)"), "1"),  # « in », « ain », « ein », « un », « im »
    (re.compile(r"om(?=[^aeiouymn]|$)"), "on"),
    (re.compile(r"(.)\1+"), r"\1"),  # the letters these rules doubled (« ck »: « kk »)
)
MIN_KEY = 4  # a shorter key (« dan », « pis », « kik » of « quick ») sounds like too many words to correct anything


def sound(word: str) -> str:
    """The sound-alike key of `word` (lower case, without accents)."""
    key = word.lower()
    for pattern, replacement in _RULES:
        key = pattern.sub(replacement, key)
    return key
