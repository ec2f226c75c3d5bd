from typing import Any

from ninja import Field, Schema

from .compute import game_for


class BodyOut(Schema):
    slug: str
    name: str
    description: str


class SeatOut(Schema):
    id: str = Field(..., alias="player_id")
    label: str
    category: str
    regional_group: str
    country: str | None = None
    veto: bool
    weights: list[str]

    @staticmethod
    def resolve_country(obj) -> str | None:
        return obj.country.alpha3 if obj.country_id else None


class ScenarioOut(Schema):
    slug: str
    name: str
    body: str
    description: str
    source: str
    rule: str
    threshold_confirmed: bool
    threshold_note: str
    criteria: list[str]
    quotas: list[str]
    alternatives: list[list[str]]
    data_year: int
    builtin: bool
    visibility: str
    owner: str | None = None
    url: str

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body.slug

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.username if obj.owner_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ScenarioDetailOut(ScenarioOut):
    seats: list[SeatOut]
    game: dict[str, Any]

    @staticmethod
    def resolve_game(obj) -> dict[str, Any]:
        return game_for(obj).to_dict()


class ScenarioIn(Schema):
    name: str
    body: str = Field(..., description="un_security_council, eu_council or imf")
    game: dict[str, Any] = Field(..., description="A game in the middleground-power format")
    members: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description='Per player id: {"country": "DE" or "DEU"} or {"group": "AFRICAN"}, '
        'optional "category" (permanent, new_permanent, elected, member) and "label"',
    )
    criteria: list[str] | None = None
    description: str = ""
    source: str = ""
    rule: str = ""
    threshold_note: str = ""
    visibility: str = Field("private", description="private, link or public (secretariat)")
    data_year: int = 2024


class ScenarioPatch(Schema):
    name: str | None = None
    body: str | None = None
    game: dict[str, Any] | None = None
    members: dict[str, dict[str, Any]] | None = None
    criteria: list[str] | None = None
    description: str | None = None
    source: str | None = None
    rule: str | None = None
    threshold_note: str | None = None
    visibility: str | None = None
    data_year: int | None = None


class ComputeQuery(Schema):
    index: list[str] = Field(
        default_factory=list, description="Indices (repeatable); default the CLI's"
    )
    method: str = Field("exact", description="exact, monte-carlo or auto")
    samples: int = 100_000
    seed: int | None = None


class ScenarioIndicesQuery(Schema):
    index: str = Field("shapley_shubik", description="Index for the representation measures")
