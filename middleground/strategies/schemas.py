"""Shapes of the strategies API (drafting): what goes in and what comes out."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema


class StrategyQuery(Schema):
    q: str = ""
    status: str = ""
    focus_area: str = Field("", description="a focus area's slug")


class TaskForceRef(Schema):
    id: int
    slug: str
    name: str


class FocusAreaRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    id: int
    name: str


class StrategyItem(Schema):
    id: int
    slug: str
    title: str
    kind: str
    status: str
    summary: str
    language: str
    task_force: TaskForceRef
    focus_area: FocusAreaRef
    lead: PersonRef
    url: str
    updated_at: datetime


class VersionOut(Schema):
    number: int
    sha256: str
    published_at: datetime | None
    note: str
    created_at: datetime


class EvidenceOut(Schema):
    kind: str
    source_id: int
    snapshot: dict[str, Any]
    sha256: str


class ParagraphOut(Schema):
    key: str
    number: int
    section: str
    kind: str
    text: str
    actors: list[str]
    timeline: str
    credits: list[str] = []
    evidence: list[EvidenceOut]


class StrategyOut(StrategyItem):
    breadth_kind: str
    breadth_min_per_group: int
    breadth_min_groups: int
    shown_version: int | None
    versions: list[VersionOut]
    paragraphs: list[ParagraphOut]


class WordEdit(Schema):
    op: int = Field(description="-1 removed, 0 unchanged, 1 added")
    text: str


class ParagraphChangeOut(Schema):
    key: str
    status: str
    number_a: int | None
    number_b: int | None
    section: str
    fields: list[str]
    text_a: str
    text_b: str
    diff: list[WordEdit]


class CompareOut(Schema):
    a: int
    b: int
    changed: int
    paragraphs: list[ParagraphChangeOut]


class AmendmentIn(Schema):
    kind: Literal["replace", "insert_after", "delete"]
    text: str = ""
    new_kind: Literal["narrative", "recommendation"] = "narrative"
    actors: list[str] = []
    timeline: str = ""
    explanation: str = ""
    draft: bool = False


class AmendmentOut(Schema):
    id: int
    paragraph: str
    kind: str
    state: str
    text: str
    explanation: str
    author: str
    base_version: int
    base_text: str
    reason: str
    result_version: int | None
    promoted_from: int | None
    created_at: datetime


class DecisionIn(Schema):
    decision: Literal["accept", "reject"]
    reason: str = ""


class CommentIn(Schema):
    text: str
    amendment: int | None = None


class CommentOut(Schema):
    id: int
    paragraph: str
    amendment: int | None
    author: str
    text: str
    created_at: datetime
