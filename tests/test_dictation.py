"""Punctuation said aloud to a phone's dictation, written as the mark."""

from __future__ import annotations

import pytest

from bot.retrieval.dictation import punctuated


@pytest.mark.parametrize("said, written", [
    ("c'est payant virgule et ça dure combien", "c'est payant, et ça dure combien"),
    ("ça dure combien point d'interrogation merci", "ça dure combien ? merci"),
    ("Qui forme Point D’Interrogation", "Qui forme ?"),
    ("combien de places point d interrogation et la date", "combien de places ? et la date"),
    ("c'est bien point à la ligne qui forme", "c'est bien. qui forme"),
])
def test_a_mark_said_aloud_is_written_as_the_mark(said, written):
    assert punctuated(said) == written


@pytest.mark.parametrize("text", ["des nombres en virgule flottante ?", "les virgules du dossier", "3,5 millions d'habitants",
                                  "un point d'étape par mois ?", ""])
def test_a_word_that_only_contains_a_mark_s_name_is_left_alone(text):
    assert punctuated(text) == text
