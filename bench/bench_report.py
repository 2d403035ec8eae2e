"""The benchmark's rows: each measure printed as soon as it is taken, then one side-by-side table.

    report = Report()
    report.add("démarrage à froid (s)", 1.8, "import numpy 0,12 s", "15×", "≤ 2,0 s", passed=True)
    report.table()                        # Markdown: measure | candibot | référence | rapport | cible | verdict
    report.write(Path("docs/benchmarks.md"), machine_line)   # replaces what follows the marker

Figures are French-formatted (decimal comma), like the rest of docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = "<!-- make bench -->"


def fr(value: float, digits: int = 1) -> str:
    """`value` with `digits` decimals and a decimal comma."""
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def percentiles(times: list[float]) -> tuple[float, float]:
    """(median, p95) of `times`."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def say(text: str) -> None:
    """One line of progress, at once (make's output is a pipe, so Python would buffer it)."""
    print(text, flush=True)


class Budget:
    """Time `call` on each item until the items run out or `seconds` pass (at least `minimum` items).

    >>> Budget(20).times(answerer.answer, questions)     # doctest: +SKIP
    [12.1, 9.8, ...]                                     # ms per call"""

    def __init__(self, seconds: float = float("inf"), minimum: int = 20):
        self.seconds, self.minimum = seconds, minimum

    def times(self, call, items: list) -> list[float]:
        out, began = [], time.perf_counter()
        for item in items:
            start = time.perf_counter()
            call(item)
            out.append((time.perf_counter() - start) * 1000)
            if len(out) >= self.minimum and time.perf_counter() - began > self.seconds:
                break
        return out


def verdict_word(passed: bool) -> str:
    return "**atteinte**" if passed else "**manquée**"


@dataclass
class Row:
    measure: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    verdict: str = "—"

    def cells(self) -> list[str]:
        return [self.measure, self.value, self.baseline, self.ratio, self.target, self.verdict]


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def add(self, measure: str, value: str, baseline: str = "—", ratio: str = "—", target: str = "—",
            passed: bool | None = None, verdict: str | None = None) -> Row:
        """One row, printed at once; `verdict` (« 2,0 s : atteinte ; 4× : manquée ») for a double target."""
        verdict = verdict or ("—" if passed is None else verdict_word(passed))
        row = Row(measure, value, baseline, ratio, target, verdict)
        self.rows.append(row)
        say("  → " + " | ".join(row.cells()))
        return row

    def note(self, text: str) -> None:
        self.notes.append(text)
        say("  ! " + text)

    def table(self) -> str:
        lines = ["| mesure | candibot | référence | rapport | cible | verdict |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row.cells()) + " |" for row in self.rows]
        return "\n".join(lines)

    def markdown(self, machine: str) -> str:
        text = f"{machine}\n\n{self.table()}\n"
        if self.notes:
            text += "\n" + "\n".join(f"- {note}" for note in self.notes) + "\n"
        return text

    def write(self, path: Path, machine: str) -> None:
        """Replace what follows MARKER in `path` (the whole file's end) by this run's table."""
        text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        head = text.split(MARKER)[0].rstrip() + "\n\n"
        path.write_text(head + MARKER + "\n" + self.markdown(machine), encoding="utf-8")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def commit(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


class Machine:
    """What the run happened on, and the load it shared the machine with, at start and at end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started = time.perf_counter()
        self.date = dt.datetime.now(dt.timezone.utc)
        self.load_start = os.getloadavg()

    def describe(self, mode: str) -> str:
        load_end = os.getloadavg()
        seconds = time.perf_counter() - self.started
        return (
            f"Exécution du {self.date:%Y-%m-%d à %H:%M} UTC ({mode}), commit `{commit(self.root)}` : "
            f"{os.cpu_count()} cœurs ({cpu_model()}), Python {platform.python_version()} ({sys.prefix}) ; "
            f"charge moyenne (1, 5, 15 min) au début {', '.join(fr(x, 2) for x in self.load_start)}, "
            f"à la fin {', '.join(fr(x, 2) for x in load_end)} ; banc entier {fr(seconds / 60, 1)} min."
        )
