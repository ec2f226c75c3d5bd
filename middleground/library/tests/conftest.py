"""Library fixtures: the registry entries the seed texts name, and an ingestion helper."""

from pathlib import Path

import pytest

from middleground.library import services
from middleground.library.models import NamedEvent
from middleground.network.models import Expert, Institution

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"


@pytest.fixture
def registry(world):
    """KazISS, the people the seed texts name, and the Astana International Forum."""
    kaziss = Institution.objects.create(
        name="Kazakhstan Institute for Strategic Studies",
        slug="kaziss",
        acronym="KazISS",
        kind="think_tank",
        country_id="KZ",
        is_member=True,
        verified=True,
    )
    people = {}
    for name, slug in [
        ("Zhandos Shaimardanov", "zhandos-shaimardanov"),
        ("Kassym-Jomart Tokayev", "kassym-jomart-tokayev"),
        ("Alain Berset", "alain-berset"),
    ]:
        people[slug] = Expert.objects.create(
            name=name,
            slug=slug,
            institution=kaziss if slug.startswith("zh") else None,
            country_id="KZ" if slug != "alain-berset" else "CH",
        )
    aif = NamedEvent.objects.create(name="Astana International Forum", aliases=["AIF"])
    return {"kaziss": kaziss, "people": people, "aif": aif, **vars(world)}


@pytest.fixture
def ingest(world):
    """ingest(name, data, persona="alice", **options) -> list of documents."""

    def run(name, data, persona="alice", **options):
        if isinstance(data, str):
            data = data.encode("utf-8")
        return services.ingest_file(actor=world.users[persona], data=data, filename=name, **options)

    return run
