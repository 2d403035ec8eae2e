"""Settings come from the values given, then the environment, then `.env` in the current folder, then
the defaults (bot/config.py reads them itself, as pydantic-settings did); a value that does not fit its
type is refused with the variable's name, said in French by the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import SecretStr, Settings, SettingsError, get_settings


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


@pytest.mark.parametrize(("variable", "value"), [
    ("CANDIBOT_ENCODER_THREADS", "0"), ("CANDIBOT_ENCODER_THREADS", "deux"), ("CANDIBOT_ENCODER_THREADS", "1.5"),
    ("CANDIBOT_EVENTS_DAYS", "-3"), ("CANDIBOT_TODAY", "demain"), ("CANDIBOT_TODAY", "2026-13-01"),
    ("CANDIBOT_REVIEW_CHAT_ID", "groupe"),
])
def test_an_invalid_value_is_refused_with_its_variable(clean_env, variable, value):
    clean_env.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        Settings()
    assert refused.value.variable == variable and refused.value.value == value


def test_values_given_as_their_type_and_empty_optional_values(clean_env):
    settings = Settings(CANDIBOT_TODAY=dt.date(2026, 2, 1), CANDIBOT_DB=Path("x.db"), CANDIBOT_ENCODER_THREADS=3,
                        CANDIBOT_REVIEW_CHAT_ID="-1001", TELEGRAM_BOT_TOKEN=SecretStr("1:a"))
    assert (settings.today, settings.db_path, settings.encoder_threads) == (dt.date(2026, 2, 1), Path("x.db"), 3)
    assert settings.review_chat_id == -1001 and settings.telegram_bot_token.get_secret_value() == "1:a"
    assert Settings(CANDIBOT_TODAY="", CANDIBOT_REVIEW_CHAT_ID="").today is None  # empty: not set
    assert Settings() == Settings() and Settings(CANDIBOT_DB="a.db") != Settings()
    with pytest.raises(SettingsError):
        Settings(CANDIBOT_ENCODER_THREADS=True)
    assert "1:a" not in repr(settings) and "1:a" not in str(settings.telegram_bot_token)


@pytest.fixture()
def fresh_settings():
    get_settings.cache_clear()  # the command reads the environment of the test, not the process's first
    yield
    get_settings.cache_clear()


def test_the_command_line_says_a_wrong_setting_in_french(clean_env, fresh_settings):
    clean_env.setenv("CANDIBOT_ENCODER_THREADS", "0")
    result = CliRunner().invoke(main, ["ask", "gratuit ?"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Erreur : Le réglage CANDIBOT_ENCODER_THREADS vaut « 0 » : il faut un nombre entier d’au moins 1" in result.output
    assert "Error" not in result.output  # not click's English prefix
    clean_env.setenv("CANDIBOT_ENCODER_THREADS", "1")
    clean_env.setenv("CANDIBOT_TODAY", "demain")
    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["drafts", "list"])
    assert result.exit_code == 1 and "il faut une date écrite AAAA-MM-JJ" in result.output
