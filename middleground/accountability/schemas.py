from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class MemberIn(Schema):
    kind: str = Field(description="institution, country or partner")
    id: int | str | None = Field(None, description="institution id or ISO country code")
    name: str = Field("", description="a partner organisation's name")


class CommitmentIn(Schema):
    strategy: int
    text: str
    members: list[MemberIn]
    code: str = ""
    deadline: date | None = None
    indicators: str = ""
    guideline: str = ""
    sdg_targets: list[str] = []
    parent: int | None = None
    weight: float = 1.0


class CycleIn(Schema):
    strategy: int
    kind: str = Field(description="interim or final")
    roll_up: str = "mean"
    simulated: bool = False


class AssignmentIn(Schema):
    commitment: int
    assessor: int
    slot: int = 1


class AssignmentOut(Schema):
    id: int
    commitment: int = Field(alias="commitment_id")
    assessor: int = Field(alias="assessor_id")
    slot: int


class ScoreIn(Schema):
    commitment: int
    member: int = Field(description="the commitment member's id (see /commitments)")
    score: Any = Field(description="-1, 0 or 1")
    justification: str
    sources: list[Any] = Field([], description="library document ids and/or http(s) links")


class AssessmentOut(Schema):
    id: int
    cycle: int = Field(alias="cycle_id")
    commitment: int = Field(alias="commitment_id")
    member: int = Field(alias="member_id")
    score: int
    justification: str
    sources: list[Any]
    at: datetime


class ReviewIn(Schema):
    reply_deadline: datetime


class OverrideIn(Schema):
    cell: int
    score: Any
    note: str


class FinaliseIn(Schema):
    overrides: list[OverrideIn] = []


class CorrectionIn(Schema):
    changes: list[OverrideIn]
    note: str


class ReconcileIn(Schema):
    score: Any
    note: str


class ReplyIn(Schema):
    accepts: bool
    text: str = ""
    evidence: list[Any] = []


class ReplyOut(Schema):
    cell: int = Field(alias="cell_id")
    accepts: bool
    text: str
    evidence: list[Any]
    at: datetime


class SelfReportIn(Schema):
    member: int
    status: str = Field(description="on_track, some_delay, off_track or completed")
    text: str = ""
    evidence: list[Any] = []


class SelfReportOut(Schema):
    id: int
    commitment: int = Field(alias="commitment_id")
    member: int = Field(alias="member_id")
    status: str
    text: str
    evidence: list[Any]
    at: datetime
