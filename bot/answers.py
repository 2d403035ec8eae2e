"""question -> Answer: composed from the best knowledge entry, extractive, never invented.

The answer text is the entry's body, followed by the entry it comes from. Dates are checked
against today: a deadline that has passed is said to have passed. When the best match is not
confident enough, or a group of off-topic questions matches better or close behind, the answer
abstains and says what the assistant can do; when the question asks for a detail the entry lacks (a
date, a contact…), it says the programme's presentation does not give it and shows the entry
(docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.details import DetailCheck, PremiseCheck
from bot.knowledge import NOT_IN_SOURCE_GROUP, Entry
from bot.other_senses import OtherSenses
from bot.private_life import PrivateLife
from bot.prompts import say, texts
from bot.retrieval import Hit, Retriever
from bot.retrieval.dictation import punctuated
from bot.retrieval.introduction import without_introduction, without_relay
from bot.retrieval.parts import adds_a_topic, clean, may_hold_two, split_parts, tells, unframed, unsigned
from bot.retrieval.shorthand import expand

MAX_QUESTION_CHARS = 1000  # longer input is cut: a question is a sentence or two
# The best entry must pass these bars to be given as the answer; tuned on the labelled questions of
# knowledge/questions, each set answered by an index of the others, never on the sealed sets
# (eval/run_eval.py --tune, docs/evaluation.md).
ABSTAIN_BELOW = 0.25  # fused score of the best entry
MIN_COVERAGE = 0.3  # share of the question's words (idf-weighted) found in that entry...
SURE_ABOVE = 0.6  # ...unless the fused score alone is this high (long questions with many other words)
DENSE_SURE = 0.65  # ...or the dense signal is (the same question in other words: « il y a qui derrière ? »)
OFF_TOPIC_MARGIN = 0.02  # abstain when a group of off-topic questions scores within this of the best entry
PREMISE_MARGIN = 0.04  # ...less this when the question asks to confirm a claim (about the programme, then)
ILLUSTRATIVE_WEIGHT = 0.9  # score factor of our own illustrative examples (the programme's facts come
# first; on dev + dev2 + dev3, answer accuracy 0.895 at 0.8, 0.908 at 0.9 and 0.95, 0.902 at 1.0)
DOMAINS_RULE = "domaines"  # the programme entry an illustrative example is read against (it is not a fact)
FOCUS_TOKENS = 3  # content words the question's focus (its last clauses) must hold
NOT_NAMED_WEIGHT = 0.9  # an entry about someone the question does not name, against its sibling (`_best_hit`)
PART_WEIGHT = 0.6  # share of a short question's own words when searched after the one before it
BOTH_MARGIN = 0.05  # « les deux » : the second entry answered too when it scores within this of the best
DISTINCT_MARGIN = 0.05  # two questions of a message found the same entry: one takes its next entry within this
_TWO_THINGS = "pistes|projets|idées|idees|sujets|thèmes|themes|options|possibilités"  # « deux pistes », « deux projets »…
_BOTH = re.compile(r"\b(?:les|ces|tous les|toutes les) deux\b|\bl['’ ]une? (?:et|ou) l['’ ]autre\b|\bboth\b|"
                   rf"\bdeux (?:{_TWO_THINGS})\b|"
                   r"\b(?:ce sont|sont-ils|sont-elles|sont ils|sont elles)\b", re.IGNORECASE)
# « on hésite entre X et Y », « deux pistes : X ou Y »: two things named, to be answered in the order given
_TWO_NAMED = re.compile(rf"\bentre\b|\bdeux (?:{_TWO_THINGS}|outils)\b", re.IGNORECASE)
# a short question about what the one before it asked (« et ça se passe quand ? », « c'est à faire avant ou après ? »):
# searched after it, its own words weighing most
_REFERS_BACK = re.compile(r"^(?:et |mais |alors |donc )?(?:ça|ca|cela|ceci|c['’]est|celle-ci|celui-ci|celle-là|celui-là)\b|"
                          r"\b(?:le faire|la faire|les faire|en parler|y participer|y aller)\b", re.IGNORECASE)
# only when or where, of what was just asked (« …elle aura lieu dans quelle ville et à quelle date ? »): its words name
# no topic, the question before it does
_ONLY_WHEN_WHERE = re.compile(r"^(?:et |mais |alors )?(?:(?:à|a|vers) )?(?:quelle date|quel jour|quel moment|quand|où|"
                              r"dans quelle ville)\s*\??$", re.IGNORECASE)
ONLY_WHEN_WEIGHT = 0.3  # share of such a question's own words, searched after the one before it
# a clause that only says why the applicant asks, after the question (« …, car notre conseil ne se réunit qu'une fois par
# trimestre »): not the question's focus
_WHY = re.compile(r"^(?:car|parce qu['’]?|parce que|puisqu['’]?|puisque|vu qu['’]?|vu que|[ée]tant donn[ée] qu['’]?|[ée]tant donn[ée] que)\b",
                  re.IGNORECASE)
# a question that asks for the programme's examples (« vous citez quels exemples sur les déchets ? »)
_ASKS_EXAMPLES = re.compile(r"\bexemples?\b|\buse cases?\b|\bcas (?:concrets?|d['’ ]usage)\b|\bid[ée]es de projets?\b|"
                            r"\bcit(?:e|é|ée|és|ées|ez|ent)\b", re.IGNORECASE)
SAME_DOMAIN_MARGIN = 0.15  # another programme example in the same domain, answered with the best when it scores within this
_CLAUSE_END = re.compile(r"(?<=[.!?;:,])\s+|\n+")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    score: float


@dataclass(frozen=True)
class Answer:
    """`abstained`: nothing of the question was answered; `parts`: the answers to each question of a
    message that holds several (empty when it holds one), in order. `parts` is left out of
    `to_json()`: the JSON of `candibot ask` keeps its four keys, the text and sources say it all."""

    question: str
    answer: str
    abstained: bool
    sources: list[Source] = field(default_factory=list)
    parts: list[Answer] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "abstained": self.abstained,
                "sources": [asdict(source) for source in self.sources]}


@dataclass
class _Result:
    """One question's answer and how it came: `reason` answered, detail (the entry lacks the detail
    asked for), not_in_source, abstain; `entry` the entry answered, `shown` the entry whose text is shown;
    `unrelated`: abstained because the question is about something else (an off-topic group matched it, it is about
    the asker's private life, or it takes a word of the programme in another sense); `settles`: what it is about is the
    subject of the questions after it in the same message too (private life, or a context that takes a word of the
    programme in another sense)."""

    answer: Answer
    hits: list[Hit]
    reason: str
    entry: str | None = None
    shown: str | None = None
    detail: str | None = None
    unrelated: bool = False
    settles: bool = False

    @property
    def hit(self) -> Hit:
        """The hit of the entry answered (a result with an `entry`)."""
        return next(h for h in self.hits if h.entry.id == self.entry)


_TELLS = re.compile(r"(?<![.?!])[.!]\s*$")  # a sentence ended by a full stop (not « ... », not « ?. »)


def decide(
    score: float, coverage: float, threshold: float, min_coverage: float, sure_above: float,
    dense: float = 0.0, dense_sure: float = DENSE_SURE,
) -> bool:
    """Answer (True) or abstain (False), from the best entry's fused score, word coverage and dense signal."""
    return score >= sure_above or (score >= threshold and (coverage >= min_coverage or dense >= dense_sure))


def preference(hit: Hit) -> float:
    """Rank for answering: programme entries before our own illustrative examples, unless an example
    matches far better."""
    return hit.score * (ILLUSTRATIVE_WEIGHT if hit.entry.illustrative else 1.0)


def french_date(day: dt.date) -> str:
    months = texts("answers")["months"]
    return f"{day.day}{'er' if day.day == 1 else ''} {months[day.month - 1]} {day.year}"


class Answerer:
    """Answers questions on the programme from the knowledge base.

    >>> Answerer(retriever, settings).answer("c'est gratuit ?").sources[0].id  # doctest: +SKIP
    'gratuite'
    """

    def __init__(
        self,
        retriever: Retriever,
        settings: Settings,
        threshold: float = ABSTAIN_BELOW,
        min_coverage: float = MIN_COVERAGE,
        sure_above: float = SURE_ABOVE,
        off_topic_margin: float = OFF_TOPIC_MARGIN,
        dense_sure: float = DENSE_SURE,
        split: bool = True,
        meaning_cuts: bool = True,
    ):
        self.retriever = retriever
        self.settings = settings
        self.threshold = threshold
        self.min_coverage = min_coverage
        self.sure_above = sure_above
        self.off_topic_margin = off_topic_margin
        self.dense_sure = dense_sure
        self.split = split  # answer each question of a message that holds several
        self.meaning_cuts = meaning_cuts  # ...and try the cuts of one the rules keep whole (`_two_by_meaning`)
        self.details = DetailCheck.load(Path(settings.knowledge_dir), Path(settings.index_dir))
        self.premises = PremiseCheck.load(Path(settings.knowledge_dir), Path(settings.index_dir))
        self.private_life = PrivateLife.load(Path(settings.knowledge_dir), Path(settings.index_dir))
        self.other_senses = OtherSenses.load(Path(settings.knowledge_dir), Path(settings.index_dir))
        self._asking_detail: np.ndarray | None = None  # see _detail_questions
        self._about: dict[str, frozenset[str]] = {}  # entry id -> the tokens of its `about` (see _names)

    def confident(self, hit: Hit) -> bool:
        """Whether `hit` is a good enough match to be given as the answer."""
        return decide(hit.score, hit.coverage, self.threshold, self.min_coverage, self.sure_above, hit.dense, self.dense_sure)

    def answer(self, question: str) -> Answer:
        return self.answer_with_candidates(question)[0]

    def answer_with_candidates(self, question: str) -> tuple[Answer, list[Hit]]:
        """The answer, and the ranked entries it was chosen from (the evaluation reads both).

        A message holding several questions (`split_parts`) gets each answered in order, when they
        are about different entries or some of them cannot be answered (`Answer.parts`)."""
        question = question or ""
        text = punctuated(question.strip()[:MAX_QUESTION_CHARS])  # « payant virgule et ça dure combien »
        # a message that asks for no precise detail is not matched against the not-in-source group's questions
        # that ask for one (« à quoi ressemble la formation de démarrage » is not « la formation démarre quand ? »)
        ignored = self._detail_questions(expand(text))
        if not text:
            return Answer(question=question, answer=say("answers", "empty_question"), abstained=True), []
        pieces = split_parts(text) if self.split else [("", text)]
        if len(pieces) < 2:
            whole = self._answer_one(question, unframed(self._without_what_follows(text)), ignored=ignored)
            both = self._both(question, text, whole) if _BOTH.search(text) else None
            if both:
                return self._combine(question, both, topics=True), whole.hits
            two = self._two_by_meaning(text, whole, ignored) if self.split and self.meaning_cuts else None
            if two:  # « date limite pr déposer le dossier et on le dépose où »
                return self._combine(question, two), [h for p in two for h in p.hits]
            return whole.answer, whole.hits
        parts, previous, followed = [], "", False
        for context, piece in pieces:
            if parts and self._follows_unrelated(parts[-1], piece):  # « C'est quoi un data center, et ça consomme combien ? »
                parts.append(_Result(self.abstention(piece), [], "abstain", unrelated=True, settles=parts[-1].settles))
                followed = True
            else:
                parts.append(self._answer_part(piece, previous, context, ignored))
            previous = piece
        parts = self._asked_again(parts, [piece for _, piece in pieces])
        if len(parts) == 1:
            return parts[0].answer, parts[0].hits
        parts = self._distinct(parts)
        answered = [p for p in parts if p.entry is not None]
        if answered and len({p.entry for p in answered}) > 1 or len(answered) not in (0, len(parts)):
            return self._combine(question, parts), [h for p in parts for h in p.hits]
        if not answered and followed:  # one subject, not the programme's: not searched again as a whole
            return self.abstention(question), [h for p in parts for h in p.hits]
        # nothing answered part by part, or every part by one entry: the message as one question
        whole = self._answer_one(question, text, ignored=ignored)
        if answered and whole.entry != answered[0].entry:
            return answered[0].answer, whole.hits
        return whole.answer, whole.hits

    def _two_by_meaning(self, text: str, whole: "_Result", ignored: np.ndarray | None) -> list["_Result"] | None:
        """The two questions of a message that the rules keep whole, cut where it may hold two (`may_hold_two`): when
        each half, searched as a part, finds its own entry confidently, and the whole message found one of those two
        or none (« quels domaines sont couverts + concrètement on y gagne quoi »). Of several such cuts, the one
        whose weaker half scores best; None when there is none (« Peut-on travailler sur la santé et le social ? »
        finds « domaines » twice)."""
        best: tuple[float, list[_Result]] | None = None
        for first, second in may_hold_two(text):
            if len(self.retriever.query_tokens(clean(first))) < 2 or not self.retriever.query_tokens(clean(second)):
                continue
            one = self._answer_part(first, "", ignored=ignored)
            if one.reason != "answered":
                continue
            other = self._answer_part(second, first, ignored=ignored)
            if other.reason != "answered" or other.entry == one.entry or whole.entry not in (None, one.entry, other.entry):
                continue
            weaker = min(preference(part.hit) for part in (one, other))
            if best is None or weaker > best[0]:
                best = (weaker, [one, other])
        return best[1] if best else None

    def _asked_again(self, parts: list["_Result"], pieces: list[str]) -> list["_Result"]:
        """One question asked twice, by two parts that found the same entry: a sentence that tells what the
        applicant wants to know, ended by a full stop, then the question itself (« …mon maire veut savoir qui
        est derrière ce programme. Qui l'organise ? »), or a question then the answer it expects, to confirm
        (« c'est qui les partenaires ? la Banque des Territoires c'est ça ? »). The first is left out, not
        answered by another entry."""
        kept = []
        for i, part in enumerate(parts):
            following = parts[i + 1] if i + 1 < len(parts) else None
            if (following is not None and part.entry is not None and part.entry == following.entry
                    and (_TELLS.search(pieces[i]) and pieces[i + 1].rstrip().endswith("?")
                         or self.premises.asks_to_confirm(expand(pieces[i + 1])))):
                continue
            kept.append(part)
        return kept

    def _distinct(self, parts: list["_Result"]) -> list["_Result"]:
        """Two questions of one message that found the same entry most often ask two things (« Les projets
        purement data sont exclus ? Qu'est-ce qui est prioritaire alors ? »): the entries of the answered
        parts are chosen together, as many different ones as can be, each within DISTINCT_MARGIN of its
        part's best, the most likely of those (sum of scores); none found: left as they are. A short part
        that adds a topic to the question before it (« …le développement économique et le commerce ? ») is
        that question, and keeps its entry."""
        answered = [i for i, p in enumerate(parts) if p.reason == "answered" and not self._adds_a_topic(p, i)]
        if len({parts[i].entry for i in answered}) == len(answered):
            return parts
        options = []
        for i in answered:
            best = parts[i].hit
            near = [h for h in parts[i].hits if not h.entry.off_topic and h.entry.id != best.entry.id
                    and self.confident(h) and preference(h) >= preference(best) - DISTINCT_MARGIN]
            options.append([best, *near[:2]])
        chosen = max(itertools.product(*options),
                     key=lambda hits: (len({h.entry.id for h in hits}), sum(map(preference, hits))))
        parts = list(parts)
        for i, hit in zip(answered, chosen):
            if hit.entry.id != parts[i].entry:
                question = parts[i].answer.question
                parts[i] = self._answered(question, hit, parts[i].hits, self.focus(expand(clean(question))))
        return parts

    def _follows_unrelated(self, before: "_Result", piece: str) -> bool:
        """Whether `piece` is a short question or one that refers back (« et ça consomme combien ? ») right after one
        about something else (`before`), so about that same thing, unless it names the programme (« et le
        programme, c'est gratuit ? »); after one that `settles` the subject (the asker's private life, a context that
        takes a word of the programme in another sense), any question that does not name the programme (« Ma
        belle-mère entre en EHPAD, comment demander l'APA et combien de mois dure l'instruction ? »).
        A part that announces what follows (« qq questions vite fait : ») asks nothing."""
        asked = clean(piece)
        return before.unrelated and not before.answer.question.rstrip().endswith(":") \
            and (before.settles or self._few_words(asked) or _REFERS_BACK.search(asked) is not None) \
            and not self.private_life.names_programme(piece)

    def _adds_a_topic(self, part: "_Result", index: int) -> bool:
        """Whether a part after the first is only « et » and a topic of few words (« et le commerce ? »)."""
        question = part.answer.question
        return index > 0 and adds_a_topic(question) and self._few_words(clean(question))

    def _few_words(self, text: str) -> bool:
        """Whether `text` holds fewer than FOCUS_TOKENS content words (« et le social ? »)."""
        return len(self.retriever.query_tokens(text)) < FOCUS_TOKENS

    def _both(self, question: str, text: str, whole: "_Result") -> list["_Result"] | None:
        """« X et Y, les deux rentrent dans le programme ? »: the two entries that match nearly as well,
        each answered, when the question asks about both."""
        if whole.reason != "answered":
            return None
        best = whole.hit
        other = next((h for h in whole.hits if not h.entry.off_topic and h.entry.id != best.entry.id
                      and h.entry.id != DOMAINS_RULE), None)
        if other is None or not self.confident(other) or preference(other) < preference(best) - BOTH_MARGIN:
            return None
        both = [whole, self._answered(question, other, whole.hits, self.focus(text))]
        if _TWO_NAMED.search(text):
            first, second = self.retriever.mentions(text, [best.entry.id, other.entry.id])
            if first is not None and second is not None and second < first:
                both.reverse()
        return both

    def _answer_part(self, piece: str, previous: str, context: str = "", ignored: np.ndarray | None = None) -> "_Result":
        """One question of a message, searched alone; one that finds no answer alone is searched again
        with the context before it (« Nous sommes une CC. »), and a short one (« et le social ? ») after
        the question before it, its own words weighing most; a short one that refers back to the question
        before it (« et ça intervient quand ? ») is searched after it first, alone when that finds nothing."""
        if context:
            # the context may say what the question is about: « Je prépare ma candidature aux élections départementales.
            # Comment constituer le binôme ? »
            elsewhere = self._elsewhere(piece, expand(f"{context} {piece}"), settles=True)
            if elsewhere is not None:
                return elsewhere
            asked = clean(piece)
            if self._few_words(asked):  # « Peut-on quand même candidater ? »
                with_context = self._answer_one(piece, f"{clean(context)} {asked}", focus=asked, focus_weight=PART_WEIGHT,
                                                ignored=ignored)
                if with_context.reason != "abstain":
                    return with_context
            alone = self._answer_part(piece, previous, ignored=ignored)
            if alone.reason != "abstain":
                return alone
            piece = f"{context} {piece}"
        # without « Bonjour ! », « et », « autre question : »…, nor what only tells why after its question mark, and
        # asked as a question
        searched = clean(self._without_what_follows(piece))
        searched = searched if searched.endswith("?") else f"{searched.rstrip(' .!,;:')} ?"
        short = bool(previous) and self._few_words(searched)

        only_when = short and _ONLY_WHEN_WHERE.search(searched) is not None

        def after_previous() -> "_Result":
            return self._answer_one(piece, f"{clean(previous)} {searched}", focus=searched,
                                    focus_weight=ONLY_WHEN_WEIGHT if only_when else PART_WEIGHT, ignored=ignored)

        referred = after_previous() if short and (only_when or _REFERS_BACK.search(searched)) else None
        if referred is not None and (referred.reason == "answered" or only_when and referred.reason != "abstain"):
            return referred  # « à quelle date ? » of the restitution: the presentation does not say, not the deadline
        alone = self._answer_one(piece, searched, ignored=ignored)
        if alone.reason != "abstain" or not short:
            return alone
        return referred if referred is not None else after_previous()  # searched once

    def _elsewhere(self, question: str, text: str, settles: bool = False) -> "_Result | None":
        """The abstention on `question` when `text` is about the asker's private life (« Ma banque me facture des frais,
        c'est gratuit normalement ? ») or takes a word of the programme in another sense (« la promo sur les pneus »),
        and names neither the programme nor its partners; None otherwise. Private life, or another sense in what
        `settles` the subject (a context), is the subject of the questions after it too."""
        if self.private_life.about(text):
            return _Result(self.abstention(question), [], "abstain", unrelated=True, settles=True)
        if self.other_senses.about(text) and not self.private_life.names_programme(text):
            return _Result(self.abstention(question), [], "abstain", unrelated=True, settles=settles)
        return None

    def _answer_one(self, question: str, text: str, focus: str | None = None,
                    focus_weight: float | None = None, ignored: np.ndarray | None = None) -> "_Result":
        """One question's answer (`text`: the question as searched, its shorthand spelt out: « cb de tps »);
        the index's documents at positions `ignored` count for nothing."""
        text = without_introduction(without_relay(expand(text)))
        elsewhere = self._elsewhere(question, text)
        if elsewhere is not None:
            return elsewhere
        focus = self.focus(text) if focus is None else without_introduction(without_relay(expand(focus)))
        # a claim given to confirm (« c'est un prêt, j'imagine ? ») is searched without the words that ask to
        # confirm it, and it is about the programme: an off-topic group must match it clearly better to
        # make the assistant abstain
        claim = self.premises.without_confirmation
        hits = self.retriever.search(claim(text), k=5, focus=claim(focus), focus_weight=focus_weight,
                                     ignored=ignored)
        margin = self.off_topic_margin - (PREMISE_MARGIN if self.premises.asks_to_confirm(text) else 0.0)
        best, off_topic = self._best_hit(hits, margin, self.retriever.query_tokens(text))
        not_in_source = off_topic is not None and off_topic.entry.id == NOT_IN_SOURCE_GROUP
        if best is None or (off_topic is not None and not not_in_source):
            return _Result(self.abstention(question, not_in_source), hits, "not_in_source" if not_in_source else "abstain",
                           unrelated=off_topic is not None and not not_in_source)
        composed = self.compose(best.entry)
        sources = [self._source(best)] + [self._source(h) for h in self._grounding(best.entry, hits)]
        detail = self.details.missing(focus, composed)
        if detail:  # the question asks for a date, a contact… that the entry does not give
            said = say("answers", "detail_missing", detail=detail)
            answer = Answer(question=question, answer=f"{said}\n\n{composed}", abstained=True, sources=sources)
            return _Result(answer, hits, "detail", detail=detail, shown=best.entry.id)
        if not_in_source:  # like questions the programme's presentation does not answer
            return _Result(self.abstention(question, not_in_source=True), hits, "not_in_source")
        return self._answered(question, best, hits, focus, composed, sources)

    def _answered(self, question: str, best: Hit, hits: list[Hit], focus: str, composed: str | None = None,
                  sources: list[Source] | None = None) -> "_Result":
        """`best` given as the answer to `question`."""
        composed = self.compose(best.entry) if composed is None else composed
        if sources is None:
            sources = [self._source(best)] + [self._source(h) for h in self._grounding(best.entry, hits)]
        also = self._same_domain_examples(best, hits, question)
        if also:  # « vous citez quels exemples sur les déchets ? »: the collection rounds and the fly-tipping
            composed = "\n\n".join([composed, *(self.compose(h.entry) for h in also)])
            sources = sources + [self._source(h) for h in also]
        if self.premises.contradicted(focus, best.entry.body):  # « c'est limité à 5 territoires, c'est ça ? »
            composed = f"{say('answers', 'premise_not_so')}\n{composed}"
        answer = Answer(question=question, answer=composed, abstained=False, sources=sources)
        return _Result(answer, hits, "answered", entry=best.entry.id, shown=best.entry.id)

    def _same_domain_examples(self, best: Hit, hits: list[Hit], question: str) -> list[Hit]:
        """The programme's other examples in the domain of `best`, one of its examples, when the question asks for
        examples (« vous citez quels exemples sur les déchets ? »: the collection rounds, and the fly-tipping), among
        `hits`, confident and within SAME_DOMAIN_MARGIN of it; none for our illustrative examples."""
        if best.entry.kind != "example" or best.entry.illustrative or not best.entry.domains \
                or not _ASKS_EXAMPLES.search(question):
            return []
        return [h for h in hits if h.entry.kind == "example" and not h.entry.illustrative and h.entry.id != best.entry.id
                and set(h.entry.domains) & set(best.entry.domains) and self.confident(h)
                and preference(h) >= preference(best) - SAME_DOMAIN_MARGIN]

    def _combine(self, question: str, parts: list["_Result"], topics: bool = False) -> Answer:
        """Each question of the message with its answer and source, in order; an entry already given
        is not repeated; the questions that cannot be answered are said to be. `topics`: one question
        about several subjects (« les deux »), each headed by its entry's title."""
        intro = say("answers", "topics_intro" if topics else "parts_intro", count=len(parts))
        blocks, sources, shown = [intro], [], set()
        for number, part in enumerate(parts, 1):
            heading = say("answers", "part_heading", number=number, question=unsigned(part.answer.question)) if not topics \
                else say("answers", "topic_heading", number=number, title=self.retriever.by_id[part.entry].title)
            if part.reason == "answered" and part.entry in shown:
                body = say("answers", "part_given_above")
            elif part.reason in ("answered", "detail"):
                body = part.answer.answer if part.shown not in shown else say(
                    "answers", "part_detail_missing", detail=part.detail)
                shown.add(part.shown)
                sources += [s for s in part.answer.sources if s.id not in {x.id for x in sources}]
            else:
                body = say("answers", "part_not_in_source" if part.reason == "not_in_source" else "part_abstain")
            blocks.append(f"{heading}\n{body}")
        answered = any(p.reason == "answered" for p in parts)
        return Answer(question=question, answer="\n\n".join(blocks), abstained=not answered, sources=sources,
                      parts=[p.answer for p in parts])

    def candidates(self, text: str, k: int = 5, focus: str | None = None) -> list[Hit]:
        """The `k` best entries for a message, its focus (last question) weighing more than the rest."""
        return self.retriever.search(text, k=k, focus=self.focus(text) if focus is None else focus)

    def _detail_questions(self, message: str) -> np.ndarray | None:
        """When `message` asks for no precise detail, not even by a cue word (`knowledge/details.yaml`): the
        positions in the index of the not-in-source group's questions that ask for one (a date, a number of
        hours, a place…), else None.
        Those questions share the topic words of every question on the same thing (« la formation starter
        démarre quand ? »); a message asking what the training is like matches them on the topic alone."""
        if self.details.may_ask(message):
            return None
        if self._asking_detail is None:
            self._asking_detail = np.array(
                [n for n, doc in enumerate(self.retriever.index.documents)
                 if doc.entry_id == NOT_IN_SOURCE_GROUP and self.details.asked(doc.text)], dtype=int)
        return self._asking_detail

    def _best_hit(self, hits: list[Hit], margin: float | None = None,
                  tokens: list[str] | None = None) -> tuple[Hit | None, Hit | None]:
        """The best programme entry if it is confident enough (programme entries come before
        illustrative examples), and the off-topic group (météo, impôts…, or details the source does not
        give) that matches as well or nearly, if any. An entry `about` someone the question (its `tokens`)
        does not name yields to its `sibling` when that one is among the hits, confident, and within
        NOT_NAMED_WEIGHT of it."""
        programme = [h for h in hits if not h.entry.off_topic]
        best = max(programme, key=preference, default=None)
        if best is not None and tokens is not None and best.entry.sibling and not self._names(best.entry, tokens):
            other = next((h for h in programme if h.entry.id == best.entry.sibling), None)
            if other is not None and self.confident(other) and preference(other) >= NOT_NAMED_WEIGHT * preference(best):
                best = other
        off_topic = max((h for h in hits if h.entry.off_topic), key=lambda h: h.score, default=None)
        margin = self.off_topic_margin if margin is None else margin
        beaten = off_topic is not None and (best is None or off_topic.score >= preference(best) - margin)
        return (best if best is not None and self.confident(best) else None), (off_topic if beaten else None)

    def _names(self, entry: Entry, tokens: list[str]) -> bool:
        """Whether a question of `tokens` names one of those `entry` is `about` (always, when it has none)."""
        if not entry.about:
            return True
        if entry.id not in self._about:
            self._about[entry.id] = frozenset(t for a in entry.about for t in self.retriever.query_tokens(a))
        return not self._about[entry.id].isdisjoint(tokens)

    @staticmethod
    def _without_what_follows(text: str) -> str:
        """`text` without what follows its last question when that only tells why the applicant asks
        (« What's the goal of the programme ? Je dois le résumer pour mon boss »): not searched at all."""
        end = text.rfind("?")
        if 0 <= end < len(text.rstrip()) - 1 and tells(text[end + 1:], after_last_mark=True):
            return text[:end + 1]
        return text

    def focus(self, text: str) -> str:
        """The question at the end of a long message: its last clauses holding a few content words.

        « Bonjour, je suis DGS d'une agglo, on a des données énergie, combien ça coûte d'y
        participer ? » has most of its words in the context; its question is the last clause. What follows
        the last question mark and asks nothing is left out (« Quels thèmes sont couverts ? Chez nous ce
        serait plutôt l'habitat. »), and so is a last clause that says why the applicant asks (« …, car notre conseil ne
        se réunit qu'une fois par trimestre »).
        """
        text = self._without_what_follows(text.strip())
        clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
        if len(clauses) > 1 and _WHY.match(clauses[-1]) and not self._few_words(" ".join(clauses[:-1])):
            clauses.pop()  # « …seront-ils informés, car notre conseil ne se réunit qu'une fois par trimestre. »
            text = " ".join(clauses)
        for start in range(len(clauses) - 1, -1, -1):
            tail = " ".join(clauses[start:])
            if not self._few_words(tail):
                return tail if start else text
        return text

    def abstention(self, question: str, not_in_source: bool = False) -> Answer:
        """« I do not know » and what the assistant can do; `not_in_source`: the question is about the
        programme, but its presentation does not say."""
        reason = say("answers", "not_in_source" if not_in_source else "abstain")
        message = f"{reason}\n\n{say('answers', 'abstain_offer')}"
        return Answer(question=question, answer=message, abstained=True, sources=[])

    def compose(self, entry: Entry) -> str:
        """The entry's text and where it comes from; an illustrative example is followed by what the
        programme itself says of project domains, so that the answer also states a programme fact."""
        parts = [entry.body.strip()]
        if entry.deadline is not None:
            parts.append(self._deadline_note(entry.deadline))
        origin = say("answers", "origin_illustratif" if entry.illustrative else "origin_programme")
        parts.append(say("answers", "source_line", title=entry.title, origin=origin))
        rule = self._domains_rule(entry)
        if rule is not None:
            parts.append(f"{say('answers', 'illustrative_rule')}\n{rule.body.strip()}")
            parts.append(say("answers", "source_line", title=rule.title, origin=say("answers", "origin_programme")))
        return "\n\n".join(p for p in parts if p)

    def _domains_rule(self, entry: Entry) -> Entry | None:
        return self.retriever.by_id.get(DOMAINS_RULE) if entry.illustrative else None

    def _grounding(self, entry: Entry, hits: list[Hit]) -> list[Hit]:
        """The programme entry quoted after an illustrative example, as a source (its own score)."""
        rule = self._domains_rule(entry)
        if rule is None:
            return []
        scored = [h for h in hits if h.entry.id == rule.id]
        return scored or [Hit(rule, 0.0)]

    def _deadline_note(self, deadline: dt.date) -> str:
        if self.settings.current_date() <= deadline:
            return say("answers", "deadline_upcoming", deadline=french_date(deadline))
        note = say("answers", "deadline_passed", deadline=french_date(deadline))
        if self.settings.programme_url:
            note += "\n" + say("answers", "deadline_passed_url", url=self.settings.programme_url)
        return note

    @staticmethod
    def _source(hit: Hit) -> Source:
        return Source(id=hit.entry.id, title=hit.entry.title, score=round(hit.score, 4))
