"""The eligibility rules, applied in order: unreadable input, applicant, data-centric, domain."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import simplemma
from rapidfuzz import fuzz, process

from bot.config import Settings
from bot.eligibility.phrases import Rules, load_rules
from bot.eligibility.verdict import ExampleMatch, Reason, Verdict
from bot.prompts import say, texts
from bot.retrieval import Retriever
from bot.retrieval.normalize import is_french, lemma, normalize, strip_accents, words

MAX_IDEA_CHARS = 5000
EXAMPLE_POOL = 12  # examples retrieved before the domain re-ranking
DOMAIN_WEIGHT = 0.4  # share of domain overlap in an example's score
INTERCO = "intercommunalité"  # the bearer named is an intercommunalité
PERSON = "particulier"  # the kind of applicant who writes as a person, for an organisation they may name
TYPO_CUTOFF = 85  # rapidfuzz ratio for reading an unknown word as a domain keyword (« mobilitée »)


class EligibilityChecker:
    def __init__(self, retriever: Retriever, settings: Settings):
        self.retriever = retriever
        self.rules: Rules = load_rules(Path(settings.knowledge_dir))
        self._vocabulary_set = frozenset(self.rules.vocabulary)
        self._by_initial: dict[str, list[str]] = {}  # a typo keeps its first letter: « releves » is no « eleves »
        for keyword in self.rules.vocabulary:
            self._by_initial.setdefault(keyword[0], []).append(keyword)

    # -- the rule entries cited ------------------------------------------------------------------
    def _reason(self, rule_id: str, key: str, **values) -> Reason:
        entry = self.retriever.by_id.get(rule_id)
        return Reason(text=say("eligibility", key, **values), rule_id=rule_id, rule_title=entry.title if entry else rule_id)

    # -- signals ---------------------------------------------------------------------------------
    def domains(self, text: str) -> list[str]:
        """Domains whose keywords (or two generic words) occur in the text, best first (a domain found
        by keywords before one found by generic words alone: « signalements des habitants » says how
        the data comes, the topic reported says which policy it serves).

        `text` may hold the normalised text and its lemmas separated by « | »: each counts apart.
        """
        found: list[tuple[int, int, object]] = []
        versions = text.split(" | ")
        for order, domain in enumerate(self.rules.domains):
            strong = max(domain.keywords.count(v) for v in versions)
            weak = max(domain.weak.count(v) for v in versions)
            if strong or weak >= 2:
                found.append((-(strong * 2 + min(weak, 1)), order, domain))  # weak words only confirm
        names: list[str] = []
        for _, _, domain in sorted(found, key=lambda f: (f[0], f[1])):
            for name in (domain.name, domain.parent):
                if name and name not in names:
                    names.append(name)
        return names

    def _applicant_not_interco(self, text: str) -> str | None:
        """The kind of applicant that is not an intercommunalité (commune, entreprise, syndicat…), or None.

        An intercommunalité named as the applicant wins; one named in another role (a client, the
        scope of the project: « mandaté par une communauté d'agglomération ») does not count. An applicant
        who says first what they are (« Cabinet de conseil : nous accompagnons une métropole », « Nous
        sommes la ville-centre de l'agglomération ») is that, whatever intercommunalité comes after,
        unless it bears the project with them (« avec la CC », not « en lien avec les intercommunalités »);
        the bearer named (« c'est le syndicat qui porterait le projet ») is the applicant; a person
        (« stagiaire à la CC ») writes for whom they name."""
        declared = self.rules.self_declared.find(text)
        bearer = self._bearer(text)
        if bearer == INTERCO:
            return None
        if bearer:
            return bearer
        in_other_role = self.rules.interco_other_role.sub(" ", text)  # « en lien avec les intercommunalités »
        together = self.rules.co_bearer.search(in_other_role)  # « notre commune, avec la communauté de communes, veut… »
        if declared and declared != PERSON and not (together and self.rules.interco.find(together.group(1))):
            return declared
        as_applicant = self.rules.interco_other_role.sub(" ", self.rules.interco_negated.remove(text))
        if self.rules.interco.find(as_applicant):
            return None
        if declared:
            return declared
        for kind, phrases in self.rules.not_interco.items():
            if phrases.find(text):
                return kind
        return None

    def _bearer(self, text: str) -> str | None:
        """INTERCO when the text says in so many words that an intercommunalité bears the project, the kind
        of another bearer it names so, or None: « … mais c'est la communauté d'agglomération qui porte le
        projet », « c'est le syndicat qui porterait », « le projet serait porté par le CCAS », « le SDIS
        serait porteur de la candidature » (a person named so writes for another: None)."""
        candidates: list[tuple[str, bool]] = []  # (words that may name the bearer, an interco anywhere in them)
        found = self.rules.bearer.search(text)
        if found:
            candidates.append((found.group(1), True))
        found = self.rules.bearer_after.search(text)
        if found:
            candidates.append((found.group(1), False))
        found = self.rules.bearer_before.search(text)
        if found:  # the bearer ends the words before the verb: the shortest ending that names one
            before = found.group(1).split()
            candidates += [(" ".join(before[n:]), False) for n in range(len(before) - 1, -1, -1)]
        for words, anywhere in candidates:
            kind = self._named(words, anywhere)
            if kind:
                return kind
        return None

    def _named(self, words: str, anywhere: bool) -> str | None:
        """INTERCO when `words` name an intercommunalité (`anywhere` in them, or at their start), else the kind
        of applicant they begin by naming, if it is not a person."""
        at_start = self.rules.determiners.sub("", words)
        if self.rules.interco.find(words) if anywhere else self.rules.interco.starts(at_start):
            return INTERCO
        named = self.rules.self_declared.find(words.strip())
        return named if named and named != PERSON else None

    def _data_management(self, text: str) -> str | None:
        match = self.rules.data_management.search(text)
        return match.group(0) if match else None

    def _unreadable(self, idea: str, text: str) -> str | None:
        if not idea.strip():
            return "reason_empty"
        if len(idea) > MAX_IDEA_CHARS:
            return "reason_too_long"
        if not any(ch.isalpha() for ch in idea):
            return "reason_no_text"
        tokens = text.split()
        english = sum(t in self.rules.english for t in tokens)
        if tokens and english >= 2 and english / len(tokens) > 0.2:
            return "reason_not_french"
        if len(tokens) >= 4 and simplemma.in_target_language(idea, lang="fr") < self.rules.min_french_share:
            return "reason_not_french"
        return None

    def corrected(self, idea: str) -> str:
        """The idea's words with each unknown word of 5+ letters replaced by the closest domain
        keyword that begins with the same letter (« mobilitée » -> « mobilite », « consomation » ->
        « consommation »; « releves », relevés typed without its accents, stays as typed, not « eleves »)."""
        return " ".join(self._correct(w) for w in words(idea))

    @lru_cache(maxsize=16384)
    def _correct(self, word: str) -> str:
        plain = strip_accents(word)
        if len(plain) < 5 or is_french(word) or plain in self._vocabulary_set:
            return plain
        match = process.extractOne(plain, self._by_initial.get(plain[0], []), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return match[0] if match else plain

    def examples(self, idea: str, domains: list[str] | None = None) -> list[ExampleMatch]:
        """The 3 closest example projects: lexical retrieval (BM25 over lemmas), re-ranked by the
        share of detected domains an example covers. The dense model (English MiniLM) did not pick
        better examples on eval/ideas_dev.yaml and costs ~100x the time, so it is not used here."""
        hits = self.retriever.search(idea[:1000], k=EXAMPLE_POOL, kinds={"example"}, mode="lexical")
        wanted = {self.rules.canonical_domain(d) for d in domains or []}
        scored = []
        for hit in hits:
            covered = {self.rules.canonical_domain(d) for d in hit.entry.domains}
            overlap = len(wanted & covered) / len(wanted) if wanted else 0.0
            score = (1 - DOMAIN_WEIGHT) * hit.score + DOMAIN_WEIGHT * overlap
            scored.append((round(score, 4), hit.entry))
        scored.sort(key=lambda s: (-s[0], s[1].id))
        return [ExampleMatch(id=e.id, title=e.title, score=score, illustrative=e.illustrative) for score, e in scored[:3]]

    # -- the verdict -----------------------------------------------------------------------------
    def check(self, idea: str) -> Verdict:
        idea = idea or ""
        text = normalize(idea[: MAX_IDEA_CHARS + 1])
        # phrases match the text as written or its lemmas (plurals, conjugations): « voiries » -> « voirie »
        both = f"{text} | {' '.join(lemma(w) for w in words(idea[: MAX_IDEA_CHARS + 1]))} | {self.corrected(idea[: MAX_IDEA_CHARS + 1])}"
        unreadable = self._unreadable(idea, text)
        if unreadable:
            return Verdict(
                idea=idea,
                verdict="to_clarify",
                reason_details=[self._reason("contenu-candidature", unreadable, length=len(idea))],
                missing=self._missing_for_vague(),
            )
        kind = self._applicant_not_interco(text)
        text = both
        domains = self.domains(text)
        examples = self.examples(idea, domains)
        if kind:
            return Verdict(
                idea=idea,
                verdict="not_eligible",
                domains=domains,
                reason_details=[
                    self._reason("public-cible", "reason_not_interco", kind=texts("eligibility")["kinds"][kind]),
                    self._reason("faq-commune-seule", f"reason_not_interco_advice_{kind}"),
                ],
                missing=[texts("eligibility")["missing"]["be_interco"]],
                examples=examples,
            )
        marker = self.rules.data_centric.find(text) or self._data_management(text)
        missing_texts = texts("eligibility")["missing"]
        if marker and domains and not self.rules.policy_use.find(text):
            return Verdict(
                idea=idea,
                verdict="not_priority",
                reason_details=[self._reason("projets-non-prioritaires", "reason_data_centric_themes", marker=marker, domains=", ".join(domains))],
                missing=[missing_texts["policy_link"]],
                examples=examples,
            )
        if not domains:
            if marker and not self.rules.no_use_yet.find(text):  # « …on ne sait pas pour quoi faire » is to clarify
                return Verdict(
                    idea=idea,
                    verdict="not_priority",
                    reason_details=[self._reason("projets-non-prioritaires", "reason_data_centric", marker=marker)],
                    missing=[missing_texts["policy_link"]],
                    examples=examples,
                )
            return Verdict(
                idea=idea,
                verdict="to_clarify",
                reason_details=[self._reason("politique-publique", "reason_vague")],
                missing=self._missing_for_vague(),
                examples=examples,
            )
        reasons = [self._reason("politique-publique", "reason_policy", domains=", ".join(domains))]
        cited = {d.name for d in self.rules.domains if d.programme}
        for name in domains:
            if name not in cited:
                reasons.append(self._reason("domaines", "reason_open_domain", domain=name))
                break
        if marker:
            reasons.append(self._reason("projets-non-prioritaires", "reason_data_tied", marker=marker))
        if self.rules.early_stage.find(text):
            reasons.append(self._reason("idee-suffit", "reason_idea"))
        missing = [] if self.rules.data_words.find(text) else [missing_texts["data"]]
        if self.rules.doubtful_applicant.find(text) and not self.rules.interco.find(text):
            missing.insert(0, missing_texts["be_interco"])
        return Verdict(idea=idea, verdict="eligible", domains=domains, reason_details=reasons, missing=missing, examples=examples)

    @staticmethod
    def _missing_for_vague() -> list[str]:
        missing = texts("eligibility")["missing"]
        return [missing["policy"], missing["local_issue"], missing["data"]]


def render_fr(verdict: Verdict) -> str:
    """The verdict as a short French message for the chat or the terminal."""
    t = texts("eligibility")
    lines = [t["verdicts"][verdict.verdict]]
    if verdict.reasons:
        lines += ["", t["header_reasons"], *[f"• {r}" for r in verdict.reasons]]
    if verdict.missing:
        lines += ["", t["header_missing"], *[f"• {m}" for m in verdict.missing]]
    if verdict.examples:
        lines += ["", t["header_examples"]]
        for example in verdict.examples:
            mark = t["illustrative_mark"] if example.illustrative else t["programme_mark"]
            lines.append("• " + say("eligibility", "example_line", title=example.title.replace(" (exemple illustratif)", ""), mark=mark, score=f"{example.score:.2f}"))
    return "\n".join(lines)
