"""The demo network: facts from the seed texts plus generated, clearly marked demo data.

``manage.py demo`` calls :func:`load_demo` first (``network`` is the first app with a demo
hook), since every other app's demo content needs its institutions and the demo personas.
Safe to run twice: every object is looked up by a natural key before it is created.
"""

import json
import random
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from middleground.accounts.models import Role, User
from middleground.network.models import (
    Bloc,
    Country,
    Expert,
    FocusArea,
    Institution,
    TaskForce,
    Visibility,
)
from middleground.network.registry_data import sync_countries, sync_default_focus_areas

DATA = Path(__file__).resolve().parent / "data" / "demo_network.json"
DEMO_PASSWORD = "middle-ground-demo"  # noqa: S105 - demo accounts only, listed in the README

FIRST_NAMES = [
    "Aigerim",
    "Timur",
    "Lena",
    "Omar",
    "Priya",
    "Mateo",
    "Ngozi",
    "Ji-woo",
    "Elif",
    "Dilnoza",
    "Carlos",
    "Amina",
    "Sven",
    "Farida",
    "Rahul",
    "Lucía",
    "Kwame",
    "Mei",
    "Arman",
    "Sofia",
]
LAST_NAMES = [
    "Nurlanova",
    "Karimov",
    "Petrova",
    "Haddad",
    "Raman",
    "Quispe",
    "Okafor",
    "Park",
    "Yılmaz",
    "Rashidova",
    "Mendoza",
    "Bello",
    "Lind",
    "Aliyeva",
    "Sharma",
    "Ortega",
    "Mensah",
    "Lin",
    "Seitkali",
    "Ramos",
]
LANGUAGE_BY_REGION = {
    "Asia": ["en", "ru"],
    "Europe": ["en", "fr"],
    "Africa": ["en", "fr"],
    "Americas": ["en", "es"],
}


def _institution_by_ref(ref: str) -> Institution:
    return Institution.objects.filter(acronym=ref).first() or Institution.objects.get(name=ref)


@transaction.atomic
def load_demo(*, experts_per_institution: int = 3, seed: int = 2025) -> str:
    sync_countries(Country, Bloc)
    sync_default_focus_areas(FocusArea)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    areas = {a.slug: a for a in FocusArea.objects.all()}

    for row in data["institutions"]:
        institution, _ = Institution.objects.update_or_create(
            name=row["name"],
            defaults={
                "acronym": row["acronym"],
                "kind": row["kind"],
                "country_id": row["country"],
                "website": row["website"],
                "description": row["description"],
                "verified": True,
                "is_member": True,
                "is_demo": False,
            },
        )
        institution.focus_areas.set([areas[s] for s in row["focus_areas"]])

    for row in data["experts"]:
        expert, _ = Expert.objects.update_or_create(
            name=row["name"],
            defaults={
                "slug": _slug(row["name"]),
                "title": row["title"],
                "country_id": row["country"],
                "institution": _institution_by_ref(row["institution"]),
                "languages": row["languages"],
                "bio": row["bio"],
                "visibility": Visibility.PUBLIC,
                "is_demo": False,
            },
        )
        expert.focus_areas.set([areas[s] for s in row["focus_areas"]])

    rng = random.Random(seed)
    slugs = sorted(areas)
    for name, country in data["generated_institutions"]:
        institution, _ = Institution.objects.update_or_create(
            name=f"{name} (demo)",
            defaults={
                "kind": "think_tank",
                "country_id": country,
                "verified": True,
                "is_member": True,
                "is_demo": True,
                "description": "A generated demo institution, not a real organisation.",
            },
        )
        institution.focus_areas.set([areas[s] for s in rng.sample(slugs, 3)])
        region = Country.objects.get(code=country).m49_region
        for i in range(experts_per_institution):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            expert, _ = Expert.objects.update_or_create(
                slug=f"demo-{institution.slug}-{i + 1}",
                defaults={
                    "name": f"{first} {last}",
                    "title": "Research fellow (demo)",
                    "country_id": country,
                    "institution": institution,
                    "languages": LANGUAGE_BY_REGION.get(region, ["en"]),
                    "bio": "A generated demo expert, not a real person.",
                    "visibility": Visibility.PUBLIC if i < 2 else Visibility.NETWORK,
                    "is_demo": True,
                },
            )
            expert.focus_areas.set([areas[s] for s in rng.sample(slugs, 2)])

    for row in data["task_forces"]:
        chair = _institution_by_ref(row["chair"])
        task_force, _ = TaskForce.objects.update_or_create(
            name=row["name"],
            defaults={
                "slug": _slug(row["name"]),
                "focus_area": areas[row["focus_area"]],
                "chair": chair,
                "mandate": row["mandate"],
            },
        )
        members = Institution.objects.filter(focus_areas=areas[row["focus_area"]], is_member=True)
        task_force.members.set([chair, *members])

    kaziss = _institution_by_ref("KazISS")
    other = Institution.objects.get(name="Seoul Middle Power Initiative (demo)")
    personas: list[tuple[str, str, str, str, Institution | None]] = [
        ("alice", "Alice", "Secretariat", Role.SECRETARIAT, None),
        ("bob", "Bob", "Expert", Role.EXPERT, kaziss),
        ("carol", "Carol", "Representative", Role.REPRESENTATIVE, other),
        ("dave", "Dave", "Visitor", Role.PUBLIC, None),
    ]
    for username, first, last, role, affiliation in personas:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": f"({last}, demo)",
                "email": f"{username}@demo.invalid",
                "email_verified": True,  # demo personas stand for people who joined by invitation
                "role": role,
                "institution": affiliation,
                "is_staff": role == Role.SECRETARIAT,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    bob = User.objects.get(username="bob")
    Expert.objects.update_or_create(
        user=bob,
        defaults={
            "name": "Bob Expert (demo)",
            "slug": "bob-expert-demo",
            "country_id": "KZ",
            "institution": kaziss,
            "languages": ["en", "ru"],
            "bio": "Demo expert account.",
            "is_demo": True,
        },
    )
    return (
        f"{Institution.objects.count()} institutions, {Expert.objects.count()} experts, "
        f"{TaskForce.objects.count()} task forces; demo logins (password '{DEMO_PASSWORD}'): "
        "alice (secretariat), bob (expert), carol (representative), dave (visitor)"
    )


def _slug(name: str) -> str:
    return slugify(name)[:200]
