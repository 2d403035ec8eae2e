"""The review workflow over the store: scope, transitions, comments, invitations, edits by several
people. Used by the dialog (`bot.dialog.scenes.submission`, `…review`) and the command line.

    review = Review(drafts, ReviewRows(store), Reviewers.parse("relectrice"))
    record = review.find("relectrice", 12)            # None outside their scope: « introuvable »
    review.transition(record, "relectrice", "approve", seen=("submitted", 5))

Methods that write are called inside the turn's transaction (the engine's `Turn.later`), so that a
transition, its history row and its notifications are kept together or not at all. Each write
checks again what the actor saw (status and version): a second reviewer deciding at once gets
`Conflict`, never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from bot.candidature import form
from bot.candidature.drafts import DraftRecord, DraftRepository
from bot.candidature.models import Draft
from bot.review import access, workflow
from bot.review.access import COEDITOR, OWNER, REVIEWER, Reviewers
from bot.review.diff import Change, changed_fields, changes
from bot.review.workflow import Conflict, Refused
from bot.store.review import ReviewRows

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CODE_LENGTH = 8
JOIN_PREFIX = "join_"  # deep-link payload: t.me/<bot>?start=join_<code>


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Review:
    def __init__(self, drafts: DraftRepository, rows: ReviewRows, reviewers: Reviewers,
                 invitation_days: int = 7, clock: Callable[[], dt.datetime] = utcnow):
        self.drafts = drafts
        self.rows = rows
        self.reviewers = reviewers
        self.invitation_days = invitation_days
        self.clock = clock

    # -- who is who --------------------------------------------------------------------------
    def is_reviewer(self, user: str) -> bool:
        return user in self.reviewers

    def role(self, user: str, record: DraftRecord) -> str | None:
        if record.owner == str(user):
            return OWNER
        if record.id is not None and self.rows.is_member(record.id, user):
            return COEDITOR
        if self.is_reviewer(user) and (record.status != workflow.DRAFT or self.rows.submissions(record.id)):
            return REVIEWER
        return None

    def find(self, user: str, draft_id, action: str = "read") -> DraftRecord | None:
        """The draft if `user` may `action` it, else None (the same answer for a number that does
        not exist: « introuvable »)."""
        try:
            number = int(draft_id)
        except (TypeError, ValueError):
            return None
        record = self.drafts.get(number)
        if record is None or not access.allowed(self.role(user, record), action):
            return None
        return record

    def workable(self, user: str, draft_id) -> DraftRecord | None:
        """The draft `user` works on as its owner or a co-editor."""
        return self.find(user, draft_id, "edit") if draft_id else None

    def team(self, record: DraftRecord) -> list[str]:
        """Its owner, then its co-editors."""
        return [record.owner] + [m["user_id"] for m in self.rows.members(record.id)]

    def others(self, record: DraftRecord, actor: str) -> list[str]:
        """Everyone on the draft's team but the person acting (never notify the one who acted)."""
        return [u for u in self.team(record) if u != str(actor)]

    def queue(self) -> list[DraftRecord]:
        """Drafts for reviewers: « soumis » first (oldest submission first), then changes requested,
        approved and withdrawn ones; never a draft that was not submitted."""
        order = {workflow.SUBMITTED: 0, workflow.CHANGES_REQUESTED: 1, workflow.APPROVED: 2, workflow.WITHDRAWN: 3}
        records = [r for r in self.drafts.list() if r.status in order]
        last = self.rows.last_submitted()
        submitted_at = {r.id: last.get(r.id, r.updated_at) for r in records}
        return sorted(records, key=lambda r: (order[r.status], submitted_at[r.id] or "", r.id))

    def last_actor(self, record: DraftRecord) -> str | None:
        found = self.rows.last_transition(record.id, record.status)
        return found["actor"] if found else None

    def last_editor(self, record: DraftRecord, field: str) -> str | None:
        """Who last wrote `field` of the draft (its history), None if nobody did."""
        edits = [h for h in self.rows.history(record.id) if h["action"] == "edit" and h["field"] == field]
        return edits[-1]["actor"] if edits else None

    def export_comments(self, record: DraftRecord, name_of: Callable[[str], str]) -> list[dict]:
        """The comments an export shows: those addressed to the applicant, never private notes."""
        return [{"field": c["field"], "who": name_of(c["author"]), "date": c["created_at"], "body": c["body"]}
                for c in self.rows.comments(record.id)]

    # -- what changed ----------------------------------------------------------------------------
    def version_draft(self, record: DraftRecord, version: int) -> Draft | None:
        for row in self.drafts.rows.versions(record.id):
            if row["version"] == version:
                return Draft.model_validate(row["data"])
        return None

    def since_previous_submission(self, record: DraftRecord) -> list[Change] | None:
        """For a resubmitted draft, what changed since the submission before (None for a first one);
        for a draft being reworked, what changed since its last submission."""
        subs = self.rows.submissions(record.id)
        if record.status == workflow.SUBMITTED and len(subs) >= 2:
            old, new = self.version_draft(record, subs[-2]["version"]), self.version_draft(record, subs[-1]["version"])
        elif workflow.editable(record.status) and subs:
            old, new = self.version_draft(record, subs[-1]["version"]), record.draft
        else:
            return None
        return changes(old, new) if old is not None and new is not None else None

    # -- writes (inside the turn's transaction) ------------------------------------------------
    def transition(self, record: DraftRecord, actor: str, action: str, comment: str | None = None,
                   seen: tuple[str, int] | None = None) -> str:
        """Take `action`; `seen` is the (status, version) the actor decided on. Returns the new status."""
        fresh = self.drafts.get(record.id)
        if fresh is None:
            raise Refused("not_found")
        if seen is not None and (fresh.status, fresh.version) != tuple(seen):
            raise Conflict(fresh.status)
        role = self.role(actor, fresh)
        step = workflow.TRANSITIONS.get(action)
        if step is None or role != step.role:
            raise Refused("not_allowed")
        if action == "cancel_request":
            request = self.rows.open_change_request(fresh.id)
            if request is None or request["requested_by"] != str(actor):
                raise Refused("cancel_not_yours")
        workflow.check(action, fresh.status, complete=not form.missing_fields(fresh.draft), comment=comment)
        if not self.rows.set_status(fresh.id, fresh.status, step.target):
            raise Conflict(fresh.status)
        self.rows.log(fresh.id, actor, action, fresh.status, step.target, fresh.version, comment=comment)
        request = self.rows.open_change_request(fresh.id)
        if action == "request_changes":
            self.rows.request_changes(fresh.id, actor, comment or "")
        elif action == "submit" and request is not None:
            self.rows.resolve_change_request(request["id"], fresh.version)
        elif action == "cancel_request" and request is not None:
            self.rows.cancel_change_request(request["id"])
        record.status = step.target
        return step.target

    def comment(self, record: DraftRecord, author: str, body: str, field: str | None, private: bool) -> int:
        action = "note" if private else "comment"
        if not access.allowed(self.role(author, record), action):
            raise Refused("not_allowed")
        comment_id = self.rows.comment(record.id, author, body, field, private, record.version)
        self.rows.log(record.id, author, action, version=record.version, field=field)
        return comment_id

    def save_edit(self, record: DraftRecord, before: Draft | None, actor: str) -> list[str]:
        """Store what this turn changed in the draft, merged field by field into the stored one
        (a co-editor's answer given meanwhile is kept; the last write of one field wins). Returns
        the fields whose value changed, each written to the history with its author."""
        if record.id is None:
            self.drafts.save(record)
            self.rows.log(record.id, actor, "create", to_status=record.status, version=record.version)
            return [f.name for f in form.FIELDS if form.is_filled(record.draft, f)]
        fresh = (before is not None and self.drafts.unmoved(record, before)) or self.drafts.get(record.id)
        if fresh is None:
            raise Refused("not_found")
        if not workflow.editable(fresh.status):
            raise Refused("frozen", status=fresh.status)
        touched = changed_fields(before or Draft(), record.draft)
        changed = changed_fields(fresh.draft, record.draft, touched)
        if not changed:
            record.draft, record.version, record.status = fresh.draft, fresh.version, fresh.status
            return []
        for name in changed:  # `fresh` was read for this merge alone: it takes the turn's values in place
            fresh.draft.set(name, record.draft.get(name))
        self.drafts.save(fresh)
        for name in changed:
            self.rows.log(fresh.id, actor, "edit", version=fresh.version, field=name)
        record.draft, record.version, record.status = fresh.draft, fresh.version, fresh.status
        return changed

    # -- invitations -----------------------------------------------------------------------------
    @staticmethod
    def new_code() -> str:
        return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

    def invite(self, record: DraftRecord, actor: str, code: str | None = None) -> str:
        """A single-use invitation to co-edit `record`, valid `invitation_days` days."""
        if not access.allowed(self.role(actor, record), "invite"):
            raise Refused("invite_owner_only")
        code = code or self.new_code()
        expires = self.clock() + dt.timedelta(days=self.invitation_days)
        self.rows.add_invitation(code, record.id, actor, expires.isoformat(timespec="seconds"))
        self.rows.log(record.id, actor, "invite", version=record.version)
        return code

    def check_invitation(self, code: str, user: str) -> DraftRecord:
        """The draft an invitation opens to `user`, or `Refused` saying why not."""
        found = self.rows.invitation(normalise_code(code))
        if found is None:
            raise Refused("invitation_unknown")
        record = self.drafts.get(found["draft_id"])
        if record is None:
            raise Refused("invitation_unknown")
        if record.owner == str(user):
            raise Refused("invitation_own")
        if found["used_by"] is not None:
            raise Refused("invitation_used")
        if dt.datetime.fromisoformat(found["expires_at"]) < self.clock():
            raise Refused("invitation_expired")
        if self.rows.is_member(record.id, user):
            raise Refused("invitation_member")
        return record

    def join(self, code: str, user: str) -> DraftRecord:
        record = self.check_invitation(code, user)
        if not self.rows.use_invitation(normalise_code(code), user):
            raise Refused("invitation_used")
        self.rows.add_member(record.id, user, COEDITOR, added_by=record.owner)
        self.rows.log(record.id, user, "join", version=record.version)
        return record

    def refusal(self, actor: str, reason: str, draft_id: int | None = None, detail: str | None = None) -> None:
        """Write a refused attempt to the history (who, what, on which draft if it exists)."""
        exists = draft_id is not None and self.drafts.get(draft_id) is not None
        self.rows.log(draft_id if exists else None, actor, f"refused:{reason}", comment=detail)


def normalise_code(code: str) -> str:
    text = (code or "").strip()
    if text.lower().startswith(JOIN_PREFIX):
        text = text[len(JOIN_PREFIX):]
    return text.upper().replace(" ", "").replace("-", "")
