"""The demo loader: the Security Council models and the EU Council, computed in advance,
visible to everyone; safe to run twice."""

import pytest

from middleground.accounts.models import Role, User
from middleground.reformlab.demo import DEMO_SLUG, load_demo
from middleground.reformlab.models import PowerResultCache, ResultStatus, Scenario

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_everyone_sees_it(lab, as_persona):
    User.objects.filter(username="alice").update(role=Role.SECRETARIAT)
    load_demo()
    load_demo()
    assert Scenario.objects.filter(slug=DEMO_SLUG).count() == 1
    assert not PowerResultCache.objects.exclude(status=ResultStatus.DONE).exists()
    html = as_persona("anonymous").get("/reformlab/").content.decode()
    assert "Two African permanent seats with a veto (demo)" in html
    for slug in ("unsc-today", "unsc-g4", "unsc-ufc", "unsc-ezulwini", "eu-council-lisbon"):
        assert as_persona("anonymous").get(f"/reformlab/scenarios/{slug}/").status_code == 200
