"""Is a project idea eligible? Deterministic rules over the programme's criteria, plus retrieval
of the closest example projects. Every reason cites the knowledge entry of the rule it applies.

    checker = EligibilityChecker(retriever, settings)
    verdict = checker.check("Notre interco veut détecter les dépôts sauvages")
    verdict.verdict, verdict.domains     # ('eligible', ['déchets'])
    print(render_fr(verdict))
"""

from bot.eligibility.checker import EligibilityChecker, render_fr
from bot.eligibility.verdict import ExampleMatch, Reason, Verdict

__all__ = ["EligibilityChecker", "ExampleMatch", "Reason", "Verdict", "render_fr"]
