"""Settings come from the values given, then the environment, then `.env` in the current folder, then
the defaults (bot/config.py reads them itself, as pydantic-settings did)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings


@pytest.fixture()
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("CANDIBOT_DB", "CANDIBOT_EVENTS_DAYS", "CANDIBOT_WORD_VECTORS", "CANDIBOT_TODAY",
                 "CANDIBOT_REVIEWERS", "TELEGRAM_BOT_TOKEN", "PROGRAMME_URL", "CANDIBOT_ENCODER_THREADS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_without_environment(clean_env):
    settings = Settings()
    assert settings.db_path == Path("candibot.db")
    assert settings.word_vectors == "fr_core_news_md"
    assert settings.encoder_threads == 1 and settings.telegram_bot_token is None


def test_given_values_then_environment_then_dotenv(clean_env, tmp_path):
    (tmp_path / ".env").write_text(
        "CANDIBOT_DB=dotenv.db\n"
        "candibot_reviewers=12,anne\n"  # any case
        "CANDIBOT_TODAY=2026-01-05\n"
        'TELEGRAM_BOT_TOKEN="123:abc def"\n'
        "export PROGRAMME_URL=https://programme.example # a comment\n"
        "CANDIBOT_EVENTS_DAYS=10\n"
        "NOT_A_SETTING=1\n"
        "A_NAME_ALONE\n",
        encoding="utf-8")
    clean_env.setenv("CANDIBOT_EVENTS_DAYS", "30")
    settings = Settings()
    assert settings.db_path == Path("dotenv.db")
    assert settings.reviewers == "12,anne"
    assert settings.today == dt.date(2026, 1, 5)
    assert settings.telegram_bot_token.get_secret_value() == "123:abc def"
    assert "123" not in repr(settings)
    assert settings.programme_url == "https://programme.example"
    assert settings.events_days == 30  # the environment before .env
    assert Settings(CANDIBOT_EVENTS_DAYS=5, CANDIBOT_DB="given.db").events_days == 5  # given values first
    assert Settings(CANDIBOT_DB="given.db").db_path == Path("given.db")


def test_an_empty_value_is_a_value_and_names_are_in_any_case(clean_env):
    clean_env.setenv("CANDIBOT_WORD_VECTORS", "")
    clean_env.setenv("candibot_encoder_threads", "2")
    settings = Settings()
    assert settings.word_vectors == "" and settings.encoder_threads == 2


def test_an_invalid_value_is_refused(clean_env):
    clean_env.setenv("CANDIBOT_ENCODER_THREADS", "0")
    with pytest.raises(ValidationError):
        Settings()
