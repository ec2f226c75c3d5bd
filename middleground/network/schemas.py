from ninja import Field, FilterSchema, Schema
from pydantic import HttpUrl

from .selectors import RegistryFilters


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
    name: str
    description: str = ""
    sdgs: list[int] = []


class FocusAreaPatch(Schema):
    name: str | None = None
    description: str | None = None
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
    verified: bool
    is_member: bool
    focus_areas: list[str]

    @staticmethod
    def resolve_focus_areas(obj) -> list[str]:
        return [f.slug for f in obj.focus_areas.all()]


class InstitutionIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    kind: str
    country: str = Field(..., min_length=2, max_length=2)
    acronym: str = Field("", max_length=30)
    website: HttpUrl | None = None
    description: str = ""
    focus_areas: list[str] = []
    verified: bool = False


class InstitutionPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=300)
    kind: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    acronym: str | None = Field(None, max_length=30)
    website: HttpUrl | None = None
    description: str | None = None
    focus_areas: list[str] | None = None
    verified: bool | None = None


class ApplicationIn(InstitutionIn):
    motivation: str = Field(..., min_length=1, max_length=5000)


class ApplicationOut(Schema):
    id: int
    institution: InstitutionOut
    motivation: str
    status: str
    decision_note: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


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
    name: str = Field(..., min_length=1, max_length=200)
    country: str = Field(..., min_length=2, max_length=2)
    institution: int | None = None
    title: str = Field("", max_length=300)
    focus_areas: list[str] = []
    languages: list[str] = []
    bio: str = Field("", max_length=2000)
    visibility: str = "public"


class ExpertPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, min_length=2, max_length=2)
    institution: int | None = None
    title: str | None = Field(None, max_length=300)
    focus_areas: list[str] | None = None
    languages: list[str] | None = None
    bio: str | None = Field(None, max_length=2000)
    visibility: str | None = None


class TaskForceOut(Schema):
    id: int
    name: str
    slug: str
    focus_area: str
    chair: int = Field(..., alias="chair_id")
    members: list[int]
    mandate: str

    @staticmethod
    def resolve_focus_area(obj) -> str:
        return obj.focus_area.slug

    @staticmethod
    def resolve_members(obj) -> list[int]:
        return [m.pk for m in obj.members.all()]


class TaskForceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    focus_area: str
    chair: int
    mandate: str = Field(..., min_length=1)
    members: list[int] = []


class TaskForcePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    focus_area: str | None = None
    chair: int | None = None
    mandate: str | None = None
    members: list[int] | None = None
