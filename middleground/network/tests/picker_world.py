"""A small directory for the expert picker's tests, on top of the shared ``world``.

Water security, by country (regional group), institution and visibility:

======================  =======  =====================  =======  ==================
expert                  country  institution            visible  focus areas
======================  =======  =====================  =======  ==================
Bob Bekov (world)       KZ, APG  Astana Institute       public   water
Aigerim Abenova         KZ, APG  Astana Institute       public   water
Bakhrom Boboev          UZ, APG  Tashkent Water Lab     public   water
Chen Cho                KR, APG  Seoul Policy Centre    public   water, security
Diego Duarte            BR, GRU  Rio Basin Centre       public   water
Hana Hidden             KZ, APG  Astana Institute       network  water
Nari Network-Only (w.)  KR, APG  Seoul Policy Centre    network  (none)
======================  =======  =====================  =======  ==================

Aigerim, Bakhrom and Hana have accounts (verified addresses); Chen and Diego do not.
"""

from dataclasses import dataclass

from middleground.accounts.models import Role, User
from middleground.network.models import Expert, Institution, Visibility

PASSWORD = "pw-not-used-1234"  # noqa: S105 - test accounts only


@dataclass(frozen=True)
class PickerWorld:
    aigerim: Expert
    bakhrom: Expert
    chen: Expert
    diego: Expert
    hana: Expert
    tashkent: Institution
    rio: Institution


def _account(username: str, institution: Institution) -> User:
    return User.objects.create_user(
        username,
        f"{username}@example.org",
        PASSWORD,
        role=Role.EXPERT,
        institution=institution,
        first_name=username.capitalize(),
        email_verified=True,
    )


def build(world) -> PickerWorld:
    tashkent = Institution.objects.create(
        name="Tashkent Water Lab (test)",
        slug="tashkent-water-lab",
        kind="think_tank",
        country_id="UZ",
        is_member=True,
    )
    rio = Institution.objects.create(
        name="Rio Basin Centre (test)",
        slug="rio-basin-centre",
        kind="university",
        country_id="BR",
        is_member=True,
    )

    def expert(name, country, institution, *, user=None, hidden=False, areas=None):
        made = Expert.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            user=user,
            institution=institution,
            country_id=country,
            visibility=Visibility.NETWORK if hidden else Visibility.PUBLIC,
        )
        made.focus_areas.set(areas if areas is not None else [world.water])
        return made

    return PickerWorld(
        aigerim=expert(
            "Aigerim Abenova", "KZ", world.astana, user=_account("aigerim", world.astana)
        ),
        bakhrom=expert("Bakhrom Boboev", "UZ", tashkent, user=_account("bakhrom", tashkent)),
        chen=expert("Chen Cho", "KR", world.seoul, areas=[world.water, world.security]),
        diego=expert("Diego Duarte", "BR", rio),
        hana=expert(
            "Hana Hidden", "KZ", world.astana, user=_account("hana", world.astana), hidden=True
        ),
        tashkent=tashkent,
        rio=rio,
    )
