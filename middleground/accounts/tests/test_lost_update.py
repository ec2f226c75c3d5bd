"""Account writes save only the fields they change: a concurrent change of another survives."""

from middleground.accounts import services
from middleground.accounts.models import Role, User


def test_a_profile_edit_keeps_a_concurrent_change_of_role(world):
    stale = User.objects.get(username="dave")
    User.objects.filter(pk=stale.pk).update(role=Role.REPRESENTATIVE)
    services.update_profile(
        user=stale,
        first_name="Dave",
        last_name="Doe",
        email=stale.email,
        preferred_language="kk",
        confirm_url_base="http://testserver/accounts/profile/email",
    )
    row = User.objects.get(pk=stale.pk)
    assert (row.first_name, row.preferred_language) == ("Dave", "kk")
    assert row.role == Role.REPRESENTATIVE
