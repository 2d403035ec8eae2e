"""Personal data a DPO signs off: the notice, a person's data given to them, erasure, retention, and
the reminders of idle drafts. A core module (no face): the dialog, `candibot privacy` and the daily
job of `candibot run` use it.

    privacy = Privacy(app)
    privacy.notice()                         # the French notice, with the configured controller and DPO
    privacy.export("telegram:42")            # everything stored about them (a dict for JSON)
    privacy.erase("telegram:42", out_dir)    # then no readable remnant in the file
    privacy.daily()                          # retention and reminders, once a day

The rule for a draft shared with others: a draft belongs to its owner. Erasing its owner erases it
(versions, comments, history, invitations, exported files); erasing a co-editor or a reviewer keeps
the draft with its owner and replaces their id by « [supprimé] » in its history and comments (what
the owner typed in the candidature stays theirs).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.prompts import say
from bot.store.personal import PersonalData
from bot.store.review import ReviewRows

log = logging.getLogger(__name__)

NOTICE_DAYS = 14  # the owner is told this many days before an idle draft is erased
EDITABLE = ("draft", "changes_requested", "withdrawn")  # reminders never for a submitted draft


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def export_name(user: str) -> str:
    """The file of a person's data: `mes-donnees-telegram-42.json`."""
    return "mes-donnees-" + re.sub(r"[^A-Za-z0-9_-]+", "-", user).strip("-") + ".json"


class Privacy:
    def __init__(self, app: Any, clock: Callable[[], dt.datetime] = utcnow):
        self.settings = app.settings
        self.store = app.store
        self.conversations = app.conversations
        self.data = PersonalData(app.store)
        self.history = ReviewRows(app.store)
        self.clock = clock

    def notice(self) -> str:
        unset = say("privacy", "not_configured")
        return say("privacy", "notice", controller=self.settings.controller or unset,
                   dpo=self.settings.dpo_contact or unset, events_days=self.settings.events_days,
                   retention_days=self.settings.retention_days)

    def knows(self, user: str) -> bool:
        """Whether anything is stored about `user` (their profile row)."""
        return bool(self.store.rows("SELECT 1 FROM users WHERE id = ?", [user]))

    def export(self, user: str) -> dict[str, Any]:
        return {"title": say("privacy", "export_title", user=user), "generated_at": _stamp(self.clock()),
                "controller": self.settings.controller, "dpo_contact": self.settings.dpo_contact,
                **self.data.collect(user)}

    def erase(self, user: str, out_dir: Path | None = None) -> list[int]:
        """Erase `user` in one transaction, remove their exported files, compact the file."""
        with self.store.atomic():
            drafts = self.data.erase(user)
        self.remove_files(drafts, user, out_dir)
        self.data.compact()
        return drafts

    @staticmethod
    def remove_files(drafts: list[int], user: str, out_dir: Path | None) -> None:
        if out_dir is None or not Path(out_dir).is_dir():
            return
        for number in drafts:
            for path in Path(out_dir).glob(f"candidature-{number}-*"):
                path.unlink(missing_ok=True)
            for path in Path(out_dir).glob(f"candidature-{number}.*"):
                path.unlink(missing_ok=True)
        (Path(out_dir) / export_name(user)).unlink(missing_ok=True)

    # -- once a day ---------------------------------------------------------------------------
    def daily(self, out_dir: Path | None = None) -> dict[str, int]:
        """Raw inputs older than their retention purged; owners told 14 days before an idle draft is
        erased, then the draft erased; owners of drafts not submitted and idle `reminder_days`
        reminded once per idle spell. Returns what was done (counts)."""
        now, settings = self.clock(), self.settings
        done = {"events": 0, "notices": 0, "drafts": 0, "reminders": 0}
        with self.store.atomic():
            done["events"] = self.data.purge_events(_stamp(now - dt.timedelta(days=settings.events_days)))
            erase_before = _stamp(now - dt.timedelta(days=settings.retention_days))
            notice_before = _stamp(now - dt.timedelta(days=settings.retention_days - NOTICE_DAYS))
            erased = []
            for draft in self.data.idle_drafts(notice_before):
                if draft["updated_at"] < erase_before:
                    self.data.erase_draft(draft["id"])
                    erased.append(draft["id"])
                elif not self.data.noticed(draft["id"], "retention_notice", draft["updated_at"]):
                    self._tell(draft, "erased_draft_notice", "retention_notice", days=NOTICE_DAYS)
                    done["notices"] += 1
            done["drafts"] = len(erased)
            if settings.reminder_days:
                remind_before = _stamp(now - dt.timedelta(days=settings.reminder_days))
                for draft in self.data.idle_drafts(remind_before):
                    if draft["status"] in EDITABLE and draft["id"] not in erased and not self.data.noticed(
                            draft["id"], "reminder", draft["updated_at"]):
                        self._tell(draft, "reminder", "reminder", days=settings.reminder_days)
                        done["reminders"] += 1
        for number in erased:
            self.remove_files([number], "", out_dir)
        if done["events"] or done["drafts"]:
            self.data.compact()
        log.info("daily privacy job: %s", done)
        return done

    def _tell(self, draft: dict, key: str, action: str, days: int) -> None:
        text = say("privacy", key, number=draft["id"], title=draft["title"] or "—", days=days)
        self.conversations.notify(draft["user_id"], {"text": text})
        self.history.log(draft["id"], "candibot", action)
