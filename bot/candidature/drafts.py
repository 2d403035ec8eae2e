"""Drafts as the rest of the code sees them: a `Draft` model with its number, owner, status and version.

    repo = DraftRepository(DraftRows(store))
    record = repo.create("42", Draft())
    record.draft.set("project.title", "Dépôts sauvages")
    repo.save(record)                          # a new numbered version, status kept up to date
    repo.get(record.id, owner="42")            # None for a draft that is not this user's

Used by the dialog, the command line and the exports. Look-ups are scoped to an owner when one is
given, so a user never reaches someone else's draft by its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.candidature.models import Draft
from bot.store.drafts import StoredDraft

DRAFT = "draft"  # a new draft's status; completeness is computed from the answers, never stored


class DraftRowsLike(Protocol):
    def create(self, user_id: str, data: dict, title: str = "", status: str = "draft") -> int: ...
    def save(self, draft_id: int, data: dict, title: str | None = None, status: str | None = None) -> int: ...
    def get(self, draft_id: int) -> StoredDraft | None: ...
    def head(self, draft_id: int) -> tuple[int, str] | None: ...
    def list(self, status: str | None = None, user_id: str | None = None) -> list[StoredDraft]: ...
    def versions(self, draft_id: int) -> list[dict]: ...


@dataclass
class DraftRecord:
    id: int | None  # None until created
    owner: str
    status: str
    version: int
    draft: Draft
    updated_at: str | None = None

    @classmethod
    def from_row(cls, row: StoredDraft) -> "DraftRecord":
        return cls(id=row.id, owner=row.user_id, status=row.status, version=row.version,
                   draft=Draft.model_validate(row.data), updated_at=row.updated_at)

    @property
    def title(self) -> str:
        return str(self.draft.get("project.title") or "")


class DraftRepository:
    def __init__(self, rows: DraftRowsLike):
        self.rows = rows

    def get(self, draft_id: int | None, owner: str | None = None) -> DraftRecord | None:
        if not draft_id:
            return None
        row = self.rows.get(int(draft_id))
        if row is None or (owner is not None and row.user_id != str(owner)):
            return None
        return DraftRecord.from_row(row)

    def unmoved(self, record: DraftRecord, as_read: Draft) -> DraftRecord | None:
        """The draft as stored now, when it has not moved since `record` was read (same version and
        status; its data then is `as_read`, the draft as read then): a copy, not parsed again. None
        when it moved (or is gone): read it again with `get`."""
        if record.id is None or self.rows.head(record.id) != (record.version, record.status):
            return None
        return DraftRecord(id=record.id, owner=record.owner, status=record.status, version=record.version,
                           draft=as_read.clone(), updated_at=record.updated_at)

    def create(self, owner: str, draft: Draft | None = None) -> DraftRecord:
        record = DraftRecord(id=None, owner=str(owner), status=DRAFT, version=0, draft=draft or Draft())
        return self.save(record)

    def save(self, record: DraftRecord) -> DraftRecord:
        """Store the record's draft: created when it has no number yet, else a new version."""
        if record.id is None:
            record.id = self.rows.create(record.owner, record.draft.model_dump(mode="json"),
                                         title=record.title, status=record.status)
            record.version = 1
            return record
        record.version = self.rows.save(record.id, record.draft.model_dump(mode="json"),
                                        title=record.title, status=record.status)
        return record

    def list(self, status: str | None = None, owner: str | None = None) -> list[DraftRecord]:
        return [DraftRecord.from_row(row) for row in self.rows.list(status=status, user_id=owner)]
