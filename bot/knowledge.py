"""Load and validate the knowledge base: Markdown entries with YAML front matter.

An entry file looks like::

    ---
    id: gratuite
    title: Le programme est gratuit
    kind: rule
    source: programme
    excerpt: "Ce programme est proposé gratuitement par ..."
    questions:
      - Le programme est-il payant ?
      - combien ca coute
      - Faut-il payer pour participer ?
    paraphrases:
      - On n'a aucun budget pour une formation
    ---
    Le programme est proposé gratuitement ...

`source: programme` entries state facts of the programme: their `excerpt` must be a verbatim
quote of `knowledge/sources/programme.txt` (distant passages joined by « […] »). `questions` and
`paraphrases` (optional: the applicant's situation, a wrong premise, other words) are indexed as
more ways of saying what the entry answers. `source: illustratif` entries are our own examples.
`about` (optional, with `sibling`) lists who or what a question must name for the entry to answer it
rather than its `sibling` entry (`bot.answers`). `kind: hors_sujet` entries (`source: aucune`) gather
questions unrelated to the programme (weather, taxes, code…) and `keywords` of their topic, each
searched on its own: when one of them is the best match, the assistant abstains; their text is never
shown.

`knowledge/questions/*.yaml` hold questions people asked in their own words, each labelled with the
entry that answers it (`expected`, the first one is used), or `oos: unrelated` / `oos: near` when the
assistant must abstain (`load_questions`; their models are in `bot.labelled`). They are indexed as more phrasings of their entry; the
out-of-scope ones as phrasings of the off-topic groups `hors-sujet-sans-rapport` (unrelated to the
programme) and `hors-sujet-hors-source` (about the programme, but its source does not say). A message
asking several questions (with its `parts`, each labelled) is not one phrasing of one entry: it is kept
for the evaluation and not indexed. They are also the sets `eval/run_eval.py` tunes on, one set left out
at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import Literal, get_args

import yaml

from bot.config import iso_date

# The YAML files are read with `yaml.safe_load`, not libyaml's parser (`CSafeLoader`): 5 times faster,
# but more lenient, it accepts a broken flow sequence (`[Est-ce ? gratuit ?", "c payant ?"]`) that the
# Python parser refuses. The starts that matter read the entries and the glossary from the index
# instead (`use_entries_cache`).

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
Kind = Literal["rule", "example", "faq", "hors_sujet"]
Source = Literal["programme", "illustratif", "aucune"]
EXCERPT_GAP = "[…]"  # joins passages of the source that are far apart in one excerpt


ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KINDS = get_args(Kind)
SOURCES = get_args(Source)


def _text(value: object, what: str, min_length: int = 0) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what}: a text is expected, not {value!r}")
    if len(value) < min_length:
        raise ValueError(f"{what}: at least {min_length} characters")
    return value


def _texts(value: object, what: str, min_items: int = 0, max_items: int | None = None) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"{what}: a list is expected, not {value!r}")
    if len(value) < min_items or (max_items is not None and len(value) > max_items):
        raise ValueError(f"{what}: from {min_items} to {max_items} items, not {len(value)}" if max_items is not None
                         else f"{what}: at least {min_items} items")
    return [_text(item, what) for item in value]


def _date(value: object, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return iso_date(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: a date YYYY-MM-DD is expected, not {value!r}") from None


@dataclass(frozen=True)
class Entry:
    """One knowledge entry, checked when it is made (a wrong field raises `ValueError`, an unknown one
    `TypeError`). A frozen dataclass, not a validation library's model: a one-question start does not
    pay for importing one (about 70 ms with pydantic), and an index of 10 000 entries loads faster
    (1.8 s against 2.6, `make bench`)."""

    id: str
    title: str
    kind: Kind
    source: Source
    body: str
    excerpt: str | None = None
    questions: list[str] = field(default_factory=list)  # 3 to 8
    # what the entry means, said as an applicant would: their situation (« nous sommes une communauté
    # de communes »), a wrong premise the entry corrects, other words for its notions; written from the
    # source, indexed like the questions
    paraphrases: list[str] = field(default_factory=list)  # at most 24
    keywords: list[str] = field(default_factory=list)  # off-topic groups only: words of their topic
    # who or what a question must name for this entry to answer it rather than its `sibling` (« une commune
    # seule… » answers a question that names a commune, a département…, not « qui peut candidater, les EPCI
    # seulement ? », which `public-cible` answers); empty: any question
    about: list[str] = field(default_factory=list)
    sibling: str | None = None
    domains: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    path: str = ""

    def __post_init__(self) -> None:
        if not ENTRY_ID.match(_text(self.id, "id")):
            raise ValueError(f"id {self.id!r}: lower-case letters, digits and hyphens")
        _text(self.title, "title", 3)
        _text(self.body, "body", 10)
        _text(self.path, "path")
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.source not in SOURCES:
            raise ValueError(f"{self.id}: source {self.source!r} is not one of {', '.join(SOURCES)}")
        if self.excerpt is not None:
            _text(self.excerpt, "excerpt")
        for name, at_least, at_most in (("questions", 3, 8), ("paraphrases", 0, 24), ("keywords", 0, None),
                                        ("domains", 0, None), ("about", 0, None)):
            texts = _texts(getattr(self, name), name, at_least, at_most)
            if name != "domains" and any(not text.strip() for text in texts):
                raise ValueError(f"{self.id}: a blank item in {name}")
        object.__setattr__(self, "deadline", _date(self.deadline, "deadline"))
        if self.source == "programme" and not self.excerpt:
            raise ValueError(f"{self.id}: an entry of the programme needs its verbatim excerpt")
        if self.source == "illustratif" and self.kind != "example":
            raise ValueError(f"{self.id}: only example projects may be illustrative")
        if (self.kind == "hors_sujet") != (self.source == "aucune"):
            raise ValueError(f"{self.id}: off-topic entries (kind hors_sujet) and only they have source aucune")
        if bool(self.about) != bool(self.sibling):
            raise ValueError(f"{self.id}: `about` and `sibling` go together (who the question must name, or which entry answers)")
        if self.sibling is not None and not ENTRY_ID.match(_text(self.sibling, "sibling")):
            raise ValueError(f"{self.id}: sibling {self.sibling!r} is not an entry id")
        if self.keywords and self.kind != "hors_sujet":
            raise ValueError(f"{self.id}: only off-topic entries have keywords (programme entries have questions)")

    @property
    def quotes(self) -> list[str]:
        """The verbatim passages of the source this entry rests on (« […] » separates distant ones)."""
        return [part.strip() for part in (self.excerpt or "").split(EXCERPT_GAP) if part.strip()]

    @property
    def illustrative(self) -> bool:
        return self.source == "illustratif"

    @property
    def off_topic(self) -> bool:
        """A group of questions unrelated to the programme: matching it means « abstain »."""
        return self.kind == "hors_sujet"

    def to_json(self) -> dict:
        """Its fields as JSON values (the date as AAAA-MM-JJ): `Entry(**entry.to_json())` is `entry`."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        return data


# the off-topic group each kind of out-of-scope asked question joins
OUT_OF_SCOPE_GROUPS = {"unrelated": "hors-sujet-sans-rapport", "near": "hors-sujet-hors-source"}
NOT_IN_SOURCE_GROUP = OUT_OF_SCOPE_GROUPS["near"]  # matching it: « the presentation does not say »


class KnowledgeError(ValueError):
    """A knowledge file that cannot be read or does not fit the schema."""


def parse_entry(text: str, path: str = "") -> Entry:
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise KnowledgeError(f"{path}: missing YAML front matter")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: invalid YAML front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}: front matter is not a mapping")
    try:
        return Entry(**meta, body=match.group(2).strip(), path=path)
    except (TypeError, ValueError) as exc:  # a wrong field, a field that is not one of Entry's
        raise KnowledgeError(f"{path}: {exc}") from exc


def entry_files(knowledge_dir: Path) -> list[Path]:
    return sorted(p for p in (knowledge_dir / "entries").rglob("*.md"))


# Entries parsed when the index was built are saved beside it (`bot.retrieval.index`) and read from
# there while the entry files have not changed since: JSON is 20 to 50 times faster to read than YAML
# front matter (about 10 s for 10 000 entries; their whole index loads in 1.8 s, `make bench`), and each
# entry is checked again.
_entry_caches: dict[str, tuple[tuple, Path]] = {}  # knowledge folder -> (its entry files' signature, cache file)


GLOSSARY_CACHE = "glossary.json"  # beside the entries' cache


def entries_signature(knowledge_dir: Path) -> tuple:
    """(path, size, modification time) of every entry file and of the glossary: what an edit changes."""
    signature = []
    glossary = knowledge_dir / "glossary.yaml"
    for path in [*entry_files(knowledge_dir), *([glossary] if glossary.exists() else [])]:
        stat = path.stat()
        signature.append((str(path.relative_to(knowledge_dir)), stat.st_size, stat.st_mtime_ns))
    return tuple(signature)


def save_entries(entries: list[Entry], path: Path, glossary: list[list[str]] | None = None) -> None:
    """Write `entries` as JSON, and the `glossary` groups beside them, for `use_entries_cache`."""
    path.write_text(json.dumps([e.to_json() for e in entries], ensure_ascii=False), encoding="utf-8")
    if glossary is not None:
        path.with_name(GLOSSARY_CACHE).write_text(json.dumps(glossary, ensure_ascii=False), encoding="utf-8")


def use_entries_cache(knowledge_dir: Path, cache: Path, signature: tuple) -> None:
    """From now on, `load_entries(knowledge_dir)` reads `cache` (written by `save_entries` from these
    very files) while the entry files still have `signature`; otherwise it parses them again."""
    _entry_caches[str(Path(knowledge_dir).resolve())] = (signature, Path(cache))


def _cached(knowledge_dir: Path, read):
    """`read(cache file)` when a cache is registered for `knowledge_dir` and its files are unchanged."""
    found = _entry_caches.get(str(Path(knowledge_dir).resolve()))
    if found is None:
        return None
    signature, cache = found
    try:
        if entries_signature(knowledge_dir) != signature:
            return None
        return read(cache)
    except (OSError, ValueError):  # the cache went missing or is damaged: parse the files
        return None


def _read_entries(cache: Path) -> list[Entry]:
    data = json.loads(cache.read_text(encoding="utf-8"))
    try:
        return [Entry(**item) for item in data]
    except TypeError as exc:  # not a list of mappings, or fields of another version
        raise ValueError(f"{cache}: {exc}") from exc


def _cached_entries(knowledge_dir: Path) -> list[Entry] | None:
    return _cached(knowledge_dir, _read_entries)


def _cached_glossary(knowledge_dir: Path) -> list[list[str]] | None:
    groups = _cached(knowledge_dir, lambda cache: json.loads(cache.with_name(GLOSSARY_CACHE).read_text(encoding="utf-8")))
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        return None
    return groups


def load_entries(knowledge_dir: Path) -> list[Entry]:
    """Every entry under `knowledge_dir/entries`, validated; ids must be unique."""
    entries = _cached_entries(knowledge_dir)
    if entries is None:
        entries = [parse_entry(p.read_text(encoding="utf-8"), str(p.relative_to(knowledge_dir)))
                   for p in entry_files(knowledge_dir)]
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen:
            raise KnowledgeError(f"duplicate id {entry.id!r} in {seen[entry.id]} and {entry.path}")
        seen[entry.id] = entry.path
    if not entries:
        raise KnowledgeError(f"no entry found under {knowledge_dir / 'entries'}")
    return entries


def question_files(knowledge_dir: Path) -> list[Path]:
    return sorted((knowledge_dir / "questions").glob("*.yaml"))


def load_questions(knowledge_dir: Path, entries: list[Entry]) -> list[tuple[str, str]]:
    """(entry id, question) for every labelled question of `knowledge/questions/`: the first expected
    entry, or the off-topic group of its kind (`OUT_OF_SCOPE_GROUPS`) for an out-of-scope one; a message
    of several questions (`parts`) is left out. Unknown ids are errors."""
    from bot.labelled import load_question_file

    known = {e.id for e in entries}
    pairs = []
    for path in question_files(knowledge_dir):
        try:
            asked = load_question_file(path)
        except Exception as exc:  # yaml.YAMLError, pydantic.ValidationError, TypeError, ValueError
            raise KnowledgeError(f"{path.name}: {exc}") from exc
        for item in asked:
            entry_id = item.expected[0] if item.expected else OUT_OF_SCOPE_GROUPS[item.oos]
            pointed = {e for part in item.parts for e in part.expected} if item.parts else {entry_id}
            if unknown := sorted(pointed - known):
                raise KnowledgeError(f"{path.name}: {item.q!r} points to an unknown entry {unknown[0]!r}")
            if not item.parts:
                pairs.append((entry_id, item.q))
    return pairs


def load_glossary(knowledge_dir: Path) -> list[list[str]]:
    """Groups of synonyms from `knowledge/glossary.yaml` (a list of lists of terms)."""
    path = knowledge_dir / "glossary.yaml"
    if not path.exists():
        return []
    cached = _cached_glossary(knowledge_dir)
    if cached is not None:
        return cached
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = data.get("synonyms", []) if isinstance(data, dict) else data
    return [[str(term) for term in group] for group in groups]


# -- YAML files read at every start (prompts), parsed once ------------------------------------------------
YAML_CACHE = "yaml.json"  # in the index folder: {path: [size, mtime_ns, parsed data]}


def read_yaml(path: Path, cache_dir: Path | None = None):
    """`yaml.safe_load` of the file at `path`, kept in `cache_dir/yaml.json` while the file keeps its size
    and modification time (JSON is read about 100 times faster than YAML: 16 ms of a one-question
    start for the prompts of the CLI and the answers). Data JSON cannot give back as it is (dates,
    keys that are not strings) is never kept; a cache that cannot be read or written is ignored."""
    path = Path(path)
    stat = path.stat()
    key, seen = str(path.resolve()), [stat.st_size, stat.st_mtime_ns]
    cache_file = Path(cache_dir) / YAML_CACHE if cache_dir is not None else None
    cache = _read_yaml_cache(cache_file) if cache_file is not None else {}
    found = cache.get(key)
    if isinstance(found, list) and len(found) == 3 and found[:2] == seen:
        return found[2]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if cache_file is not None and cache_file.parent.is_dir():
        try:
            kept = json.loads(json.dumps(data, ensure_ascii=False)) == data
        except (TypeError, ValueError):
            kept = False
        if kept:
            cache[key] = [*seen, data]
            _write_yaml_cache(cache_file, key, cache[key])
    return data


_yaml_caches: dict[Path, dict] = {}  # cache file -> its content, read once per process


def _read_yaml_cache(cache_file: Path) -> dict:
    if cache_file not in _yaml_caches:
        try:
            cache = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cache = {}
        _yaml_caches[cache_file] = cache if isinstance(cache, dict) else {}
    return _yaml_caches[cache_file]


def _write_yaml_cache(cache_file: Path, key: str, entry: list) -> None:
    """Add `entry` to the cache file as it is now (another process may have written it since it was
    read). Best effort, atomic: two processes writing at the same time only make a file parsed again."""
    _yaml_caches.pop(cache_file, None)
    cache = _read_yaml_cache(cache_file)
    cache[key] = entry
    tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        tmp.unlink(missing_ok=True)


def content_hash(knowledge_dir: Path) -> str:
    """A hash of every file the index is built from, to tell a stale index."""
    digest = hashlib.sha256()
    for path in sorted(knowledge_dir.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".yml", ".txt"}:
            digest.update(str(path.relative_to(knowledge_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
