"""The log of `candibot run` carries no personal data and no secret, at DEBUG (issue 18): a whole
drafting and review conversation through the real python-telegram-bot Application and the loopback
Bot API stand-in, with names, e-mails, a phone number and distinctive sentences typed, a reviewer's
comment, an engine failure and a blocked chat; then the webhook's path. Every record written by
`setup_logging`'s handler is scanned. A second handler, on the `telegram` and `bot` loggers (they
run before the root's filtered handler), sees the same records unfiltered: it shows the scan would
catch each item without the filters."""

from __future__ import annotations

import asyncio
import logging
import re
import time

import httpx
import pytest

from bot.config import Settings
from bot.dialog import Engine
from bot.pseudonym import Pseudonyms, key_path
from bot.telegram import build_application, engine_user, running
from bot.telegram.logs import PrivateLog, setup_logging
from tests.dialog_support import FakeAnswerer, lean_app_on
from tests.review_support import ANSWERS
from tests.telegram_standin import StandIn
from tests.test_telegram_dialog import Agent, texts

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOKEN = "7345123:PRIVACY-secret-half-of-the-token"
WEBHOOK_SECRET = "le-secret-du-webhook-4242"
APPLICANT, REVIEWER = 7301984562, 6209348871
PROFILES = {
    APPLICANT: {"id": APPLICANT, "is_bot": False, "first_name": "Éloïse", "last_name": "Vandermeersch",
                "username": "eloise_vdm", "language_code": "fr"},
    REVIEWER: {"id": REVIEWER, "is_bot": False, "first_name": "Gaspard", "last_name": "Lemonnier-Ruiz",
               "username": "gaspard_relit", "language_code": "fr"},
}
CONTACT = "Éloïse Vandermeersch, cheffe de projet, eloise.vandermeersch@valvert.fr, 06 71 82 93 04"
PROJECT = "Détecter les dépôts sauvages du quartier des Glycines grâce aux photos des riverains"
DATA_REFERENT = "Anatole Quernec, référent data, anatole.quernec@valvert.fr"
QUESTION = "Le quartier des Glycines compte-t-il comme quartier prioritaire ?"
COMMENT = "Précisez combien de photos arrivent des Glycines chaque mois."
PERSONAL = [
    "Éloïse", "Vandermeersch", "eloise_vdm", "Gaspard", "Lemonnier-Ruiz", "gaspard_relit", "Anatole Quernec",
    "eloise.vandermeersch@valvert.fr", "anatole.quernec@valvert.fr", "06 71 82 93 04",
    "Glycines", "photos des riverains", str(APPLICANT), str(REVIEWER),
]
SECRETS = [TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET]


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class Person(Agent):
    def __init__(self, standin, user_id: int):
        super().__init__(standin, None)
        self.id = user_id


class ExplodingAnswerer(FakeAnswerer):
    """Fails on a question about the Glycines, with the question in its message (as a library might)."""

    def answer(self, question: str):
        if "Glycines" in question:
            raise ValueError(f"no passage for {question!r}")
        return super().answer(question)


@pytest.fixture()
def standin(monkeypatch):
    monkeypatch.setattr(StandIn, "user", staticmethod(lambda user_id: PROFILES[user_id]))
    with StandIn.start(token=TOKEN) as api:
        yield api


@pytest.fixture()
def logs(tmp_path):
    """The handler `candibot run` sets up (root at DEBUG), and an unfiltered one beside it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    raw = Capture()
    raw.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for name in ("telegram", "bot"):
        logging.getLogger(name).addHandler(raw)
    clean = setup_logging(SECRETS, level=logging.DEBUG, handler=Capture(),
                          pseudonyms=Pseudonyms.for_database(tmp_path / "tg.db"))
    try:
        yield clean, raw
    finally:
        for name in ("telegram", "bot"):
            logging.getLogger(name).removeHandler(raw)
        root.removeHandler(clean)
        for handler in root.handlers:  # pytest's own handlers got a filter too
            if handler not in handlers:
                continue
            for f in [f for f in handler.filters if isinstance(f, PrivateLog)]:
                handler.removeFilter(f)
        root.setLevel(level)


def leaks(text: str) -> list[str]:
    found = [item for item in PERSONAL + SECRETS if item in text]
    return found + re.findall(r"telegram:-?\d+", text)


async def test_a_drafting_and_review_conversation_leaves_no_personal_data_in_the_debug_log(standin, tmp_path, logs):
    clean, raw = logs
    settings = Settings(CANDIBOT_DB=tmp_path / "tg.db", CANDIBOT_INDEX_DIR=tmp_path / "index",
                        CANDIBOT_REVIEWERS=str(REVIEWER))
    core = lean_app_on(settings)
    core.__dict__["answerer"] = ExplodingAnswerer()
    engine = Engine(core, out_dir=tmp_path / "out")
    app = build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05)
    eloise, gaspard = Person(standin, APPLICANT), Person(standin, REVIEWER)
    eloise.app = gaspard.app = app
    answers = [CONTACT if a.startswith("Marie Dupont") else PROJECT if a.startswith("Détecter")
               else DATA_REFERENT if a.startswith("Jean Martin") else a for a in ANSWERS]
    async with running(app):
        replies = await eloise.say("/candidature")
        for answer in answers:
            replies = await (eloise.press("form:yes", replies) if answer == "yes" else eloise.say(answer))
        assert "Votre candidature est complète" in texts(replies)
        done = await eloise.press("sub:yes", await eloise.say("/soumettre"))
        assert "est soumise" in texts(done)
        number = engine.state(engine_user(APPLICANT)).form.draft_id
        documents = [c for c in standin.sent(REVIEWER) if c["method"] == "sendDocument"]
        gaspard.read = len(standin.sent(REVIEWER))
        pick = await gaspard.press(f"rv:comment:{number}", documents)
        await gaspard.press("rvf:project.data", pick)
        await gaspard.press("rva:applicant", await gaspard.say(COMMENT))
        assert COMMENT in texts(standin.sent(APPLICANT))
        await eloise.say("/question")
        assert "erreur inattendue" in texts(await eloise.say(QUESTION))  # the engine failed: logged
        standin.fail_next("sendMessage", n=1, status=502)  # a retry, logged
        await eloise.say("/statut")
        standin.fail_next("sendMessage", n=1, status=403)  # the applicant blocked the bot: logged
        await eloise.say("/statut")

    assert key_path(tmp_path / "tg.db").exists()
    names = Pseudonyms.for_database(tmp_path / "tg.db")
    # without the filters, the scan finds every item: the conversation did reach the log
    assert [item for item in [*PERSONAL, TOKEN, f"telegram:{APPLICANT}"] if item not in raw.text] == []
    assert leaks(clean.text) == []
    # and the log is still useful: methods, update ids, retries, error types, pseudonymised ids
    log = clean.text
    assert "Calling Bot API endpoint `sendMessage`" in log and "Calling Bot API endpoint `sendDocument`" in log
    assert re.search(r"Processing update \d+\n", log + "\n")
    assert f"dialog failure for user {names.of(engine_user(APPLICANT))} on a text input" in log
    assert "ValueError (message withheld)" in log
    assert "sendMessage failed (" in log and "retry 1 in" in log
    assert f"chat {names.of(engine_user(APPLICANT))} blocked the bot" in log


async def test_the_webhook_log_shows_neither_the_secret_nor_the_body(standin, tmp_path, logs, unused_tcp_port):
    clean, raw = logs
    settings = Settings(CANDIBOT_DB=tmp_path / "tg.db", CANDIBOT_INDEX_DIR=tmp_path / "index")
    engine = Engine(lean_app_on(settings), out_dir=tmp_path / "out")
    app = build_application(engine, TOKEN, base_url=standin.base_url, backoff=0.05)
    url = f"http://127.0.0.1:{unused_tcp_port}/candibot"
    update = {"update_id": 1, "message": {
        "message_id": 1, "date": int(time.time()), "text": QUESTION,
        "chat": {"id": APPLICANT, "type": "private"}, "from": PROFILES[APPLICANT]}}
    async with app:
        await app.updater.start_webhook(listen="127.0.0.1", port=unused_tcp_port, url_path="candibot",
                                        webhook_url=url, secret_token=WEBHOOK_SECRET)
        await app.start()
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "ancien-secret-1234"})
            right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
        await standin.wait_for(lambda: standin.sent(APPLICANT))
        await asyncio.sleep(0.2)
        await app.updater.stop()
        await app.stop()
    assert (wrong.status_code, right.status_code) == (403, 200)
    assert WEBHOOK_SECRET in raw.text and "ancien-secret-1234" in raw.text and "Glycines" in raw.text
    assert leaks(clean.text) == [] and "ancien-secret-1234" not in clean.text
    assert "Request had the wrong secret token" in clean.text and "Webhook received data" in clean.text


def test_a_pseudonym_is_stable_within_a_deployment_and_keyed(tmp_path):
    first, again = Pseudonyms.for_database(tmp_path / "a.db"), Pseudonyms.for_database(tmp_path / "a.db")
    other = Pseudonyms.for_database(tmp_path / "b.db")
    user = engine_user(APPLICANT)
    assert first.of(user) == again.of(user) != other.of(user)
    assert re.fullmatch(r"u:[0-9a-f]{12}", first.of(user)) and first.of(user) != first.of(engine_user(REVIEWER))
    assert key_path(tmp_path / "a.db").stat().st_mode & 0o777 == 0o600
    assert key_path(tmp_path / "a.db").read_text().strip() not in repr(first)


@pytest.mark.parametrize("args, expected", [
    (("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", {"chat_id": APPLICANT, "text": QUESTION}),
     "Calling Bot API endpoint `sendMessage`"),
    (("dialog failure for user %s on a %s input", engine_user(APPLICANT), "text"),
     "dialog failure for user {applicant} on a text input"),
    (("prompt failure for user %s at %s", "terminal-eloise", "menu"), "prompt failure for user {terminal} at menu"),
    (("chat %d blocked the bot, %d left, %.1f s", APPLICANT, 3, 0.5), "chat {applicant} blocked the bot, 3 left, 0.5 s"),
    (("resumed %(user)s", {"user": engine_user(APPLICANT)}), "resumed {applicant}"),
    (("got %s and %s", {"text": QUESTION}, [1, 2]), "got <dict withheld> and [1, 2]"),
    (("daily privacy job: %s", {"events": 3, "drafts": 0}), "daily privacy job: {{'events': 3, 'drafts': 0}}"),
    (("counted %s", {"Éloïse": 3}), "counted <dict withheld>"),
    (("Webhook received data: %s", '{"message": {"text": "Glycines"}}'), "Webhook received data"),
    (("raw %s", '{"text": "Glycines"}'), "raw <withheld>"),
    (("a refusal: %r, then %s", ValueError(QUESTION), OSError("disk full")),
     "a refusal: ValueError (message withheld), then OSError: disk full"),
    (("write to %s", f"eloise.vandermeersch@valvert.fr, 06 71 82 93 04, {TOKEN}"), "write to <e-mail>, <phone>, ***"),
])
def test_what_the_filter_keeps_of_a_record(args, expected):
    names = Pseudonyms.ephemeral()
    record = logging.LogRecord("bot.dialog.engine", logging.INFO, __file__, 1, args[0], args[1:], None)
    PrivateLog(SECRETS, names).filter(record)
    applicant, terminal = names.of(engine_user(APPLICANT)), names.of("terminal-eloise")
    assert record.getMessage() == expected.format(applicant=applicant, terminal=terminal)


def test_a_log_call_may_pseudonymise_itself(tmp_path):
    names = Pseudonyms.for_database(tmp_path / "a.db")
    handler = Capture()
    logger = logging.getLogger("bot.test.privacy")
    logger.addHandler(handler)
    handler.addFilter(PrivateLog([], names))
    from bot.pseudonym import pseudonym, use

    use(names)
    try:
        logger.warning("user %s waited", pseudonym(engine_user(APPLICANT)))
        logger.warning("user %s waited", engine_user(APPLICANT))
        try:
            raise KeyError(QUESTION)
        except KeyError:
            logger.exception("chat %s failed", APPLICANT)
    finally:
        logger.removeHandler(handler)
    first, second, third = handler.lines[0], handler.lines[1], handler.lines[2]
    assert first == second == f"user {names.of(engine_user(APPLICANT))} waited"
    assert third.startswith(f"chat {names.of(engine_user(APPLICANT))} failed\nTraceback (most recent call last):")
    assert third.endswith("KeyError (message withheld)") and "Glycines" not in third


def test_asyncio_lines_keep_their_first_line_without_reprs():
    record = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task exception was never retrieved\n"
                               "future: <Task finished exception=ValueError('Glycines')>", (), None)
    PrivateLog([]).filter(record)
    assert record.getMessage() == "Task exception was never retrieved"
    record = logging.LogRecord("asyncio", logging.WARNING, __file__, 1, "Executing %s took %.3f seconds",
                               ("<Handle cb(<Future result='Glycines'>)>", 0.2), None)
    PrivateLog([]).filter(record)
    assert record.getMessage() == "Executing <…> took 0.200 seconds"


def test_a_record_the_filter_cannot_read_is_withheld_not_raised():
    class Unprintable(OSError):
        def __str__(self):
            raise RuntimeError(QUESTION)

    record = logging.LogRecord("bot.x", logging.INFO, __file__, 1, "failed: %s", (Unprintable(),), None)
    assert PrivateLog([]).filter(record)
    assert record.getMessage() == "(record withheld: RuntimeError in PrivateLog)"
