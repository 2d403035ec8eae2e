"""What a one-question start skips, and that skipping it changes nothing: YAML parsed once and kept
while its file is unchanged (`bot.knowledge.read_yaml`)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml

from bot import knowledge
from bot.knowledge import YAML_CACHE, read_yaml


@pytest.fixture()
def parses(monkeypatch):
    """The files yaml.safe_load really parses; the in-process copy of each cache forgotten."""
    monkeypatch.setattr(knowledge, "_yaml_caches", {})
    calls = []
    real = yaml.safe_load

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(yaml, "safe_load", counting)
    return calls


def forget(monkeypatch):
    """As a new process: the cache file is read again."""
    monkeypatch.setattr(knowledge, "_yaml_caches", {})


def test_a_file_is_parsed_once_then_read_from_the_cache(tmp_path, parses, monkeypatch):
    source = tmp_path / "cli.yaml"
    source.write_text("help: Aide\nitems: [un, deux]\ncount: 3\n", encoding="utf-8")
    cache_dir = tmp_path / "index"
    cache_dir.mkdir()
    first = read_yaml(source, cache_dir)
    assert first == {"help": "Aide", "items": ["un", "deux"], "count": 3}
    assert (cache_dir / YAML_CACHE).exists() and len(parses) == 1
    forget(monkeypatch)
    assert read_yaml(source, cache_dir) == first
    assert len(parses) == 1  # read from yaml.json


def test_an_edited_file_is_parsed_again(tmp_path, parses, monkeypatch):
    source = tmp_path / "answers.yaml"
    source.write_text("abstain: Je ne sais pas.\n", encoding="utf-8")
    read_yaml(source, tmp_path)
    source.write_text("abstain: Je ne sais vraiment pas.\n", encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # even within the same tick
    forget(monkeypatch)
    assert read_yaml(source, tmp_path) == {"abstain": "Je ne sais vraiment pas."}
    assert len(parses) == 2


def test_data_json_would_change_is_never_kept(tmp_path, parses, monkeypatch):
    source = tmp_path / "dates.yaml"
    source.write_text("deadline: 2026-03-15\n1: un\n", encoding="utf-8")
    assert read_yaml(source, tmp_path) == {"deadline": dt.date(2026, 3, 15), 1: "un"}
    forget(monkeypatch)
    assert read_yaml(source, tmp_path) == {"deadline": dt.date(2026, 3, 15), 1: "un"}
    assert len(parses) == 2


def test_a_damaged_or_missing_cache_folder_is_ignored(tmp_path, parses, monkeypatch):
    source = tmp_path / "p.yaml"
    source.write_text("a: b\n", encoding="utf-8")
    (tmp_path / YAML_CACHE).write_text("{not json", encoding="utf-8")
    assert read_yaml(source, tmp_path) == {"a": "b"}
    assert json.loads((tmp_path / YAML_CACHE).read_text(encoding="utf-8"))  # rewritten, sound
    assert read_yaml(source, tmp_path / "absent") == {"a": "b"}
    assert not (tmp_path / "absent").exists()
    assert read_yaml(source) == {"a": "b"}


def test_a_broken_file_still_fails_as_yaml_does(tmp_path, parses):
    source = tmp_path / "broken.yaml"
    source.write_text('q: [Est-ce ? gratuit ?", "c payant ?"]\n', encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_yaml(source, tmp_path)
    assert not (tmp_path / YAML_CACHE).exists()


def test_two_processes_keep_each_others_files(tmp_path, parses, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a: 1\n", encoding="utf-8")
    second.write_text("b: 2\n", encoding="utf-8")
    read_yaml(first, tmp_path)  # process A, which goes on running
    seen_by_a = dict(knowledge._yaml_caches)
    forget(monkeypatch)
    read_yaml(second, tmp_path)  # process B writes the cache after A
    monkeypatch.setattr(knowledge, "_yaml_caches", seen_by_a)
    third = tmp_path / "c.yaml"
    third.write_text("c: 3\n", encoding="utf-8")
    read_yaml(third, tmp_path)  # A writes again: B's file stays
    kept = json.loads((tmp_path / YAML_CACHE).read_text(encoding="utf-8"))
    assert {Path(k).name for k in kept} == {"a.yaml", "b.yaml", "c.yaml"}
