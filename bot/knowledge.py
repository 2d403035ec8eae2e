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
`kind: hors_sujet` entries (`source: aucune`) gather questions unrelated to the programme (weather,
taxes, code…) and `keywords` of their topic, each searched on its own: when one of them is the best
match, the assistant abstains; their text is never shown.

`knowledge/questions/*.yaml` hold questions people asked in their own words, each labelled with the
entry that answers it (`expected`, the first one is used), or `oos: unrelated` / `oos: near` when the
assistant must abstain (`load_questions`). They are indexed as more phrasings of their entry; the
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
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

# The YAML files are read with `yaml.safe_load`, not libyaml's parser (`CSafeLoader`): 5 times faster,
# but more lenient, it accepts a broken flow sequence (`[Est-ce ? gratuit ?", "c payant ?"]`) that the
# Python parser refuses. The starts that matter read the entries and the glossary from the index
# instead (`use_entries_cache`).

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
Kind = Literal["rule", "example", "faq", "hors_sujet"]
Source = Literal["programme", "illustratif", "aucune"]
EXCERPT_GAP = "[…]"  # joins passages of the source that are far apart in one excerpt


class Entry(BaseModel):
    """One knowledge entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    kind: Kind
    source: Source
    excerpt: str | None = None
    questions: list[str] = Field(min_length=3, max_length=8)
    # what the entry means, said as an applicant would: their situation (« nous sommes une communauté
    # de communes »), a wrong premise the entry corrects, other words for its notions; written from the
    # source, indexed like the questions
    paraphrases: list[str] = Field(default_factory=list, max_length=24)
    keywords: list[str] = Field(default_factory=list)  # off-topic groups only: words of their topic
    domains: list[str] = Field(default_factory=list)
    deadline: dt.date | None = None
    body: str = Field(min_length=10)
    path: str = ""

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

    @field_validator("questions", "paraphrases", "keywords")
    @classmethod
    def _not_blank(cls, value: list[str]) -> list[str]:
        if any(not q.strip() for q in value):
            raise ValueError("question ou mot-clé vide")
        return value

    @model_validator(mode="after")
    def _programme_facts_are_quoted(self) -> "Entry":
        if self.source == "programme" and not self.excerpt:
            raise ValueError(f"{self.id}: an entry of the programme needs its verbatim excerpt")
        if self.source == "illustratif" and self.kind != "example":
            raise ValueError(f"{self.id}: only example projects may be illustrative")
        if (self.kind == "hors_sujet") != (self.source == "aucune"):
            raise ValueError(f"{self.id}: off-topic entries (kind hors_sujet) and only they have source aucune")
        if self.keywords and self.kind != "hors_sujet":
            raise ValueError(f"{self.id}: only off-topic entries have keywords (programme entries have questions)")
        return self


class QuestionPart(BaseModel):
    """One of the questions of a message that asks several: labelled as a question is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expected: list[str] = Field(max_length=3)
    facts: list[str]
    oos: Literal["unrelated", "near"] | None = None


class AskedQuestion(QuestionPart):
    """One labelled question of `knowledge/questions/`: `expected` the entries whose answer is right
    (empty when out of scope), `facts` the words that answer states, `oos` why it is out of scope;
    `kind`, what makes it hard (the sets written for issue 15), and `parts` for a message asking several
    questions (then `expected` and `facts` are the union of its parts')."""

    q: str = Field(min_length=1)
    expected: list[str] = Field(max_length=6)
    kind: Literal["multi", "situation", "premise", "words", "typo", "oos"] | None = None
    parts: list[QuestionPart] | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _in_scope_or_why_not(self) -> "AskedQuestion":
        if bool(self.expected) == bool(self.oos):
            raise ValueError(f"{self.q!r}: give either the expected entries or why it is out of scope (oos)")
        if not self.parts and len(self.expected) > 3:
            raise ValueError(f"{self.q!r}: one question expects at most three entries")
        return self


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
    except Exception as exc:  # pydantic.ValidationError, TypeError
        raise KnowledgeError(f"{path}: {exc}") from exc


def entry_files(knowledge_dir: Path) -> list[Path]:
    return sorted(p for p in (knowledge_dir / "entries").rglob("*.md"))


# Entries parsed when the index was built are saved beside it (`bot.retrieval.index`) and read from
# there while the entry files have not changed since: JSON validated by pydantic's core is 20 to 50
# times faster than YAML front matter (10 000 entries: 0.4 s instead of 10 s).
_entry_caches: dict[str, tuple[tuple, Path]] = {}  # knowledge folder -> (its entry files' signature, cache file)


@lru_cache(maxsize=1)
def _entry_list() -> TypeAdapter:
    """TypeAdapter(list[Entry]), built at first use."""
    return TypeAdapter(list[Entry])


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
    path.write_bytes(_entry_list().dump_json(entries))
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


def _cached_entries(knowledge_dir: Path) -> list[Entry] | None:
    return _cached(knowledge_dir, lambda cache: _entry_list().validate_json(cache.read_bytes()))


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


def load_question_file(path: Path) -> list[AskedQuestion]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError("the file must be a list of questions")
        return [AskedQuestion(**item) for item in data]
    except Exception as exc:  # yaml.YAMLError, pydantic.ValidationError, TypeError
        raise KnowledgeError(f"{path.name}: {exc}") from exc


def load_questions(knowledge_dir: Path, entries: list[Entry]) -> list[tuple[str, str]]:
    """(entry id, question) for every labelled question of `knowledge/questions/`: the first expected
    entry, or the off-topic group of its kind (`OUT_OF_SCOPE_GROUPS`) for an out-of-scope one; a message
    of several questions (`parts`) is left out. Unknown ids are errors."""
    known = {e.id for e in entries}
    pairs = []
    for path in question_files(knowledge_dir):
        for item in load_question_file(path):
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
