"""`candibot ask` and `candibot index build` as a user runs them: real subprocesses."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run_cli(args, index_dir, stdin=None, **env):
    environment = {**os.environ, "CANDIBOT_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=180,
    )


def test_ask_batch_json_keeps_one_line_per_input_line_even_on_bad_input(retriever, index_dir, tmp_path):
    questions = [
        "Le programme est-il gratuit ?",
        "",
        "🤔",
        "x" * 10_000,
        "<script>alert('x')</script>",
        "'; DROP TABLE drafts; --",
        "What is this programme about?",
        "qui est le formateur",
    ]
    done = run_cli(["ask", "--json"], index_dir, stdin="\n".join(questions) + "\n", CANDIBOT_DB=str(tmp_path / "c.db"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(questions)
    rows = [json.loads(line) for line in lines]
    for question, row in zip(questions, rows):
        assert set(row) == {"question", "answer", "abstained", "sources"}
        assert row["question"] == question
        assert row["answer"]
        for source in row["sources"]:
            assert set(source) == {"id", "title", "score"}
    assert rows[0]["sources"][0]["id"] == "gratuite" and not rows[0]["abstained"]
    assert rows[1]["abstained"]
    assert rows[7]["sources"][0]["id"] == "formateur"
    assert "Traceback" not in done.stderr


def test_ask_one_shot_prints_the_answer_with_its_source(retriever, index_dir):
    done = run_cli(["ask", "Qui sont les partenaires ?"], index_dir)
    assert done.returncode == 0, done.stderr
    assert "Source :" in done.stdout
    assert "Banque des Territoires" in done.stdout


def test_index_build_rebuilds_and_reports(tmp_path, retriever, index_dir):
    """`candibot index build` rebuilds a copy of the session's index (built from nothing once, by
    the `index_dir` fixture): the vectors of unchanged texts are reused, so it takes seconds, not
    the minutes of a first build."""
    shutil.copytree(index_dir, tmp_path / "index")
    manifest = tmp_path / "index" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "marked": True}),
                        encoding="utf-8")  # to see it written anew
    done = run_cli(["index", "build"], tmp_path / "index")
    assert done.returncode == 0, done.stderr
    assert "marked" not in json.loads(manifest.read_text(encoding="utf-8"))
    assert "Index construit" in done.stdout


def test_check_batch_json_follows_the_contract_one_line_per_idea(retriever, index_dir):
    ideas = [
        "Notre communauté de communes veut détecter les dépôts sauvages grâce aux signalements.",
        "",
        "🙂",
        "Monter le portail open data de l'agglo",
        "Notre mairie veut suivre la fréquentation de la piscine",
        "y" * 10_000,
    ]
    done = run_cli(["check", "--json"], index_dir, stdin="\n".join(ideas) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["idea"] for r in rows] == ideas
    for row in rows:
        assert list(row) == ["idea", "verdict", "domains", "reasons", "missing", "examples"]
    assert [r["verdict"] for r in rows] == ["eligible", "to_clarify", "to_clarify", "not_priority", "not_eligible", "to_clarify"]
    assert "déchets" in rows[0]["domains"] and len(rows[0]["examples"]) == 3


def test_check_one_shot_prints_a_french_verdict(retriever, index_dir):
    done = run_cli(["check", "Notre interco veut optimiser la collecte des déchets"], index_dir)
    assert done.returncode == 0, done.stderr
    assert "éligible" in done.stdout and "Projets proches" in done.stdout


def test_command_help_is_french_text_from_the_prompts():
    from click.testing import CliRunner

    from bot.cli import main
    from bot.prompts import texts

    cli_texts = texts("cli")
    for command, key in [([], "help_main"), (["ask"], "help_ask_json"), (["chat"], "help_chat_out_dir"), (["run"], "help_run_port"), (["drafts", "list"], "help_drafts_status")]:
        shown = " ".join(CliRunner().invoke(main, [*command, "--help"]).output.split())
        assert cli_texts[key].split()[0] in shown and " ".join(cli_texts[key].split()[:3]) in shown, (command, key)


@pytest.mark.parametrize("setting", ["CANDIBOT_WORD_VECTORS", "CANDIBOT_EMBEDDING_MODEL"])
def test_a_model_missing_from_the_machine_gets_a_french_message_not_a_traceback(index_dir, tmp_path, setting):
    done = run_cli(["ask", "c'est gratuit ?"], index_dir, CANDIBOT_DB=str(tmp_path / "c.db"), **{setting: "modele-absent"})
    assert done.returncode != 0
    assert "modele-absent" in done.stderr and setting in done.stderr and "introuvable" in done.stderr
    assert "Traceback" not in done.stderr
