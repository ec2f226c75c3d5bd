from datetime import datetime
from typing import Any

from ninja import Field, Schema

from middleground.analysis.delphi import ConsensusRules
from middleground.network.schemas import RejectedOut
from middleground.translations.schemas import content_language


class RulesIn(Schema):
    min_answers: int = 1
    percent_agreement: dict[str, float] | None = Field(
        None, description='{"low": 7, "high": 9, "min_percent": 75}'
    )
    percent_disagreement: dict[str, float] | None = Field(
        None, description='{"low": 1, "high": 3, "max_percent": 15}'
    )
    max_iqr: float | None = None
    max_sd: float | None = None
    combine: str = "all"


class StudyIn(Schema):
    title: str
    question: str
    language: str = content_language("")
    topics: list[str] = []
    mode: str = "rounds"
    anonymity: str = "anonymous"
    max_rounds: int = 3
    stop_when_stable: bool = True
    max_cv_change: float = 0.1
    drop_consensus_items: bool = True
    round_days: int = 14
    focus_area: str | None = None
    task_force: int | None = None
    rules: RulesIn | None = None


class StudyPatch(Schema):
    title: str | None = None
    question: str | None = None
    language: str | None = content_language(None)
    topics: list[str] | None = None
    mode: str | None = None
    anonymity: str | None = None
    max_rounds: int | None = None
    stop_when_stable: bool | None = None
    max_cv_change: float | None = None
    drop_consensus_items: bool | None = None
    round_days: int | None = None
    rules: RulesIn | None = None


class VersionIn(Schema):
    rules: RulesIn
    note: str


class StudyOut(Schema):
    id: int
    slug: str
    title: str
    question: str
    language: str = content_language(...)
    topics: list[str]
    mode: str
    anonymity: str
    status: str
    max_rounds: int
    stop_when_stable: bool
    drop_consensus_items: bool
    rules: dict[str, Any] | None
    rules_text: str | None
    rules_locked_at: datetime | None
    launched_at: datetime | None
    stop_reason: str
    is_published: bool
    is_simulated: bool
    version: int
    previous_version: int | None = Field(None, alias="previous_version_id")
    version_note: str
    url: str

    @staticmethod
    def resolve_rules_text(obj) -> str | None:
        return ConsensusRules.from_dict(obj.rules).describe() if obj.rules else None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ItemIn(Schema):
    kind: str = Field(..., description="likert, numeric, ranking, pair or text")
    text: str
    config: dict[str, Any] = Field(
        {},
        description='likert/pair: {"points": 5|7|9, "labels": [...]}; numeric: {"lower", '
        '"upper", "unit", "rules"}; ranking: {"options": [{"id", "label"}]}',
    )


class ItemOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    config: dict[str, Any]
    first_round: int
    last_round: int | None


class RoundOut(Schema):
    id: int
    number: int
    opened_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    is_open: bool


class InviteIn(Schema):
    emails: list[str] = Field(
        default_factory=list,
        description="Addresses to invite; each entry's position (1-based) is its line.",
    )
    experts: list[int] = Field(
        default_factory=list,
        description="Ids of experts from the directory (GET /network/experts).",
    )
    institution: int | None = None


class InviteOut(Schema):
    email: str
    accepted: bool

    @staticmethod
    def resolve_accepted(obj) -> bool:
        return obj.accepted_at is not None


class PanelInviteResult(Schema):
    """Every address that could be invited is (``added``); each that could not is listed in
    ``rejected`` with its line; ``already_invited`` counts people left as they were."""

    added: list[InviteOut]
    already_invited: int
    rejected: list[RejectedOut]

    @staticmethod
    def resolve_already_invited(obj) -> int:
        return len(obj.already)


class AnswerIn(Schema):
    item: int
    value: Any = Field(
        ...,
        description="likert: 1..points; numeric: a number; ranking: option ids best first; "
        'pair: {"desirability": d, "feasibility": f}; text: a string',
    )
    rationale: str = ""
    reason: str = Field("", description="Real-time mode: why an answer lies outside the IQR")


class AnswersIn(Schema):
    answers: list[AnswerIn]


class MyAnswerOut(Schema):
    item: int = Field(..., alias="item_id")
    value: Any
    rationale: str


class ExpertiseIn(Schema):
    ratings: dict[str, int | None]
