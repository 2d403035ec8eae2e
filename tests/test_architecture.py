"""The shape of the code: no import circle, the core imports no face, small dialog modules, and the
picture of the flow (docs/dialog.mmd) drawing exactly the router's steps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
CORE = ("bot.dialog", "bot.answers", "bot.eligibility", "bot.candidature")
FACES = ("bot.telegram", "bot.cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The bot modules that `name` imports, anywhere in its body (inside functions too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:  # `from bot.dialog import views` imports the module bot.dialog.views
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_import_walker_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert "bot.candidature.models" in GRAPH["bot.candidature.form"]  # imports inside the package are seen


def test_no_import_circle_in_bot():
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH))


def reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(CORE)))
def test_the_core_imports_no_face(name):
    faces = {m for m in reachable(name) if m.startswith(FACES)}
    assert not faces, f"{name} reaches {sorted(faces)}"


def test_candidature_models_import_nothing_else_of_their_package():
    assert not {m for m in GRAPH["bot.candidature.models"] if m.startswith("bot.candidature")}
    assert {m for m in GRAPH["bot.candidature.parsers"] if m.startswith("bot.candidature")} == {"bot.candidature.models"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "dialog").rglob("*.py")), ids=lambda p: p.name)
def test_dialog_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 250


def test_the_picture_draws_exactly_the_routers_steps():
    from bot.dialog.router import Router
    from bot.dialog.scenes import SCENES

    picture = (ROOT / "docs" / "dialog.mmd").read_text(encoding="utf-8")
    (declared,) = re.findall(r"^\s*class ([\w,]+) step\s*$", picture, flags=re.MULTILINE)
    drawn = set(declared.split(","))
    assert drawn == set(Router(SCENES).steps)
    edges = "\n".join(line for line in picture.splitlines() if "-->" in line)
    for step in drawn:  # each step is a node of the flow, not only a name in the class line
        assert re.search(rf"(^|\s|>){step}(\W|$)", edges, flags=re.MULTILINE), step


def test_no_doc_or_code_cites_files_a_clone_does_not_have():
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "docs").glob("*"), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        absent = ("DESIGN" + ".md", ".." + "/shared")  # spelled apart so that this file does not cite them
        assert not any(name in text for name in absent), path
