from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    target_type: str
    target_id: str
    action_required: bool
    due_at: datetime | None
    created_at: datetime
    read_at: datetime | None
    done_at: datetime | None
    institution: int | None = None

    @staticmethod
    def resolve_institution(obj) -> int | None:
        return obj.institution_id
