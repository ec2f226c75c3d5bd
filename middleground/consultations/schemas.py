from datetime import datetime

from ninja import Field, Schema

from middleground.network.schemas import RejectedOut
from middleground.translations.schemas import content_language

from .services import TEXT_LIMITS


def _limit(field: str) -> dict:
    """The field's limit in the OpenAPI schema; the service enforces it (400 naming the field)."""
    return {"maxLength": TEXT_LIMITS[field]}


class ConsultationOut(Schema):
    id: int
    slug: str
    title: str
    question: str
    context: str
    visibility: str
    anonymity: str
    status: str
    moderation: str
    participants_can_add: bool
    declared_dimension: str
    language: str = content_language(...)
    opens_at: datetime | None
    closes_at: datetime | None
    task_force: int | None = Field(None, alias="task_force_id")
    focus_areas: list[str]
    simulated: bool
    attribution: str
    statement_count: int
    participant_count: int

    @staticmethod
    def resolve_focus_areas(obj) -> list[str]:
        return [f.slug for f in obj.focus_areas.all()]

    @staticmethod
    def resolve_statement_count(obj) -> int:
        return obj.statements.filter(status="accepted").count()

    @staticmethod
    def resolve_participant_count(obj) -> int:
        count = getattr(obj, "participant_count", None)
        return count if count is not None else obj.participants.count()


class ConsultationIn(Schema):
    title: str = Field(..., min_length=1, json_schema_extra=_limit("title"))
    question: str = Field(..., min_length=1, json_schema_extra=_limit("question"))
    context: str = Field("", json_schema_extra=_limit("context"))
    visibility: str = "network"
    anonymity: str = "pseudonymous"
    status: str = "draft"
    moderation: str = "after"
    participants_can_add: bool = True
    declared_dimension: str = "regional_group"
    language: str = content_language("")
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    task_force: int | None = None
    focus_areas: list[str] = []
    statements: list[str] = Field([], description="Seed statements, accepted at once")


class ConsultationPatch(Schema):
    title: str | None = Field(None, min_length=1, json_schema_extra=_limit("title"))
    question: str | None = Field(None, min_length=1, json_schema_extra=_limit("question"))
    context: str | None = Field(None, json_schema_extra=_limit("context"))
    visibility: str | None = None
    anonymity: str | None = None
    status: str | None = None
    moderation: str | None = None
    participants_can_add: bool | None = None
    declared_dimension: str | None = None
    language: str | None = content_language(None)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    focus_areas: list[str] | None = None


class StatementIn(Schema):
    text: str = Field(..., description="The statement, 400 characters at most")


class StatementOut(Schema):
    id: int
    number: int
    text: str
    status: str
    is_seed: bool
    created_at: datetime


class ModerationIn(Schema):
    accept: bool


class VoteIn(Schema):
    statement: int
    vote: int = Field(..., description="-1 disagree, 0 pass, 1 agree")


class VoteOut(Schema):
    statement: int = Field(..., alias="statement_id")
    vote: int = Field(..., alias="value")
    updated_at: datetime


class InviteIn(Schema):
    emails: list[str] = Field(
        default_factory=list,
        description="Addresses to invite; each entry's position (1-based) is its line.",
    )
    experts: list[int] = Field(
        default_factory=list,
        description="Ids of experts from the directory (GET /network/experts).",
    )


class InvitationResult(Schema):
    """Every address that could be invited is: ``invited`` lists the people this call
    reached; each entry that could not be is in ``rejected`` with its line;
    ``already_invited`` counts people left as they were."""

    invited: list[str]
    already_invited: int
    rejected: list[RejectedOut]

    @staticmethod
    def resolve_invited(obj) -> list[str]:
        return [i.email for i in obj.added]

    @staticmethod
    def resolve_already_invited(obj) -> int:
        return len(obj.already)
