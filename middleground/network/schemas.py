from typing import Any

from ninja import Field, FilterSchema, Schema
from pydantic import HttpUrl

from middleground.translations.schemas import content_language

from .models import Expert, FocusArea, Institution, MembershipApplication, TaskForce
from .selectors import RegistryFilters


def _text(model, name: str, default: Any = "", **kwargs: Any) -> Any:
    """A text field whose length the service checks (a 400 naming the field): the limit
    is the model's, documented here as ``maxLength``."""
    limit = model._meta.get_field(name).max_length
    return Field(default, json_schema_extra={"maxLength": limit}, **kwargs)


class RegistryQuery(FilterSchema):
    q: str = Field("", description="Text search by name")
    country: str = Field("", description="ISO 3166 alpha-2 code")
    regional_group: str = Field("", description="AFRICAN, APG, EEG, GRULAC or WEOG")
    bloc: str = Field(
        "", description="SCO, BRICS, G20, MIKTA, EU, AU, ASEAN, OIC, CIS, EAEU, CICA, OTS, P5"
    )
    focus_area: str = Field("", description="Focus area slug")
    kind: str = Field("", description="Institution type")
    region: str = Field("", description="UN M49 region (Africa, Americas, Asia, Europe, Oceania)")
    language: str = Field("", description="ISO 639-1 language an expert works in")

    def to_filters(self) -> RegistryFilters:
        return RegistryFilters(**self.model_dump())


class CountryOut(Schema):
    code: str
    alpha3: str
    name: str
    m49_region: str
    m49_subregion: str
    un_member: bool
    regional_group: str
    blocs: list[str]

    @staticmethod
    def resolve_blocs(obj) -> list[str]:
        return [b.code for b in obj.blocs.all()]


class BlocOut(Schema):
    code: str
    name: str
    source: str
    member_count: int


class FocusAreaOut(Schema):
    slug: str
    name: str
    description: str
    sdgs: list[int]


class FocusAreaIn(Schema):
    name: str = _text(FocusArea, "name", ...)
    description: str = _text(FocusArea, "description")
    sdgs: list[int] = []


class FocusAreaPatch(Schema):
    name: str | None = _text(FocusArea, "name", None)
    description: str | None = _text(FocusArea, "description", None)
    sdgs: list[int] | None = None


class InstitutionOut(Schema):
    id: int
    name: str
    slug: str
    acronym: str
    kind: str
    country: str = Field(..., alias="country_id")
    website: str
    description: str
    language: str = content_language(...)
    verified: bool
    is_member: bool
    focus_areas: list[str]

    @staticmethod
    def resolve_focus_areas(obj) -> list[str]:
        return [f.slug for f in obj.focus_areas.all()]


class InstitutionIn(Schema):
    name: str = _text(Institution, "name", ..., min_length=1)
    kind: str
    country: str = Field(..., min_length=2, max_length=2)
    acronym: str = _text(Institution, "acronym")
    website: HttpUrl | None = None
    description: str = _text(Institution, "description")
    language: str = content_language("")
    focus_areas: list[str] = []
    verified: bool = False


class InstitutionPatch(Schema):
    name: str | None = _text(Institution, "name", None, min_length=1)
    kind: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    acronym: str | None = _text(Institution, "acronym", None)
    website: HttpUrl | None = None
    description: str | None = _text(Institution, "description", None)
    language: str | None = content_language(None)
    focus_areas: list[str] | None = None
    verified: bool | None = None
    focal_point: int | None = Field(
        None, description="user id of a representative of the institution (null clears it)"
    )
    deputy: int | None = Field(
        None, description="user id of a representative, copied when the focal point has not acted"
    )


class ApplicationIn(InstitutionIn):
    motivation: str = _text(MembershipApplication, "motivation", ..., min_length=1)


class ApplicationOut(Schema):
    id: int
    institution: InstitutionOut
    motivation: str
    status: str
    decision_note: str


class DecisionIn(Schema):
    approve: bool
    note: str = _text(MembershipApplication, "decision_note")


class ExpertOut(Schema):
    id: int
    name: str
    slug: str
    title: str
    institution: int | None = Field(None, alias="institution_id")
    country: str = Field(..., alias="country_id")
    focus_areas: list[str]
    languages: list[str]
    bio: str
    visibility: str
    is_demo: bool

    @staticmethod
    def resolve_focus_areas(obj) -> list[str]:
        return [f.slug for f in obj.focus_areas.all()]


class ExpertIn(Schema):
    name: str = _text(Expert, "name", ..., min_length=1)
    country: str = Field(..., min_length=2, max_length=2)
    institution: int | None = None
    title: str = _text(Expert, "title")
    focus_areas: list[str] = []
    languages: list[str] = []
    bio: str = _text(Expert, "bio")
    visibility: str = "public"


class ExpertPatch(Schema):
    name: str | None = _text(Expert, "name", None, min_length=1)
    country: str | None = Field(None, min_length=2, max_length=2)
    institution: int | None = None
    title: str | None = _text(Expert, "title", None)
    focus_areas: list[str] | None = None
    languages: list[str] | None = None
    bio: str | None = _text(Expert, "bio", None)
    visibility: str | None = None


class TaskForceOut(Schema):
    id: int
    name: str
    slug: str
    focus_area: str
    chair: int = Field(..., alias="chair_id")
    members: list[int]
    mandate: str
    language: str = content_language(...)

    @staticmethod
    def resolve_focus_area(obj) -> str:
        return obj.focus_area.slug

    @staticmethod
    def resolve_members(obj) -> list[int]:
        return [m.pk for m in obj.members.all()]


class TaskForceIn(Schema):
    name: str = _text(TaskForce, "name", ..., min_length=1)
    focus_area: str
    chair: int
    mandate: str = _text(TaskForce, "mandate", ..., min_length=1)
    language: str = content_language("")
    members: list[int] = []


class TaskForcePatch(Schema):
    name: str | None = _text(TaskForce, "name", None, min_length=1)
    focus_area: str | None = None
    chair: int | None = None
    mandate: str | None = _text(TaskForce, "mandate", None)
    language: str | None = content_language(None)
    members: list[int] | None = None


class RejectedOut(Schema):
    """One entry of a bulk list that was not taken: its line in the list (1-based; null for
    an expert picked by id), the text as given, and why."""

    line: int | None
    value: str
    reason: str


class TaskForceExpertsIn(Schema):
    experts: list[int] = Field(..., description="Ids of experts from the directory.")


class PickQuery(Schema):
    focus_area: str = Field("", description="Focus area slug")
    country: str = Field("", description="ISO 3166 alpha-2 code")
    regional_group: str = Field("", description="AFRICAN, APG, EEG, GRULAC or WEOG")
    institution: str = Field("", description="Institution id")
    q: str = Field("", description="Text in the name, position or institution")


class PickOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class PickedExpertOut(Schema):
    id: int
    name: str
    institution: int | None = Field(None, alias="institution_id")
    country: str = Field(..., alias="country_id")


class ExpertPickOut(Schema):
    total: int
    experts: list[PickedExpertOut]
    facets: dict[str, list[PickOptionOut]]
