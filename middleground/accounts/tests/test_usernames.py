"""Usernames: plain ASCII, bounded, no look-alikes of existing ones; deleted accounts'
names never collide."""

import pytest
from django.test import Client

from middleground.accounts.models import User
from middleground.accounts.services import accept_invitation, delete_account
from middleground.accounts.tests.test_accounts import invite, token_of
from middleground.core.errors import ServiceError

PASSPHRASE = "a-long-Passphrase-42"


@pytest.mark.parametrize(
    "username",
    [
        "\u0430lice2",  # Cyrillic а
        'o"neil',
        "<b>x</b>",
        "ab",
        "x" * 41,
        ".dotfirst",
        "deleted-34",
        "Deleted-7-abc",
    ],
)
def test_an_invitation_refuses_a_malformed_username(world, username):
    _, link = invite(world)
    with pytest.raises(ServiceError) as error:
        accept_invitation(token=token_of(link), username=username, password=PASSPHRASE)
    assert error.value.field == "username"
    assert not User.objects.filter(username=username).exists()


@pytest.mark.parametrize("username", ["Bob", "B0B", "ALICE", "a1ice", "aIice", "car0l", "da_ve"])
def test_an_invitation_refuses_a_look_alike_of_an_existing_username(world, username):
    _, link = invite(world)
    with pytest.raises(ServiceError) as error:
        accept_invitation(token=token_of(link), username=username, password=PASSPHRASE)
    assert error.value.field == "username"


def test_an_invitation_accepts_a_plain_new_username(world):
    _, link = invite(world)
    user = accept_invitation(token=token_of(link), username="nur.sultan_2", password=PASSPHRASE)
    assert user.username == "nur.sultan_2"


def test_the_accept_page_shows_the_username_error(world):
    _, link = invite(world)
    response = Client().post(
        link.replace("http://testserver", ""), {"username": "b0b", "password": PASSPHRASE}
    )
    assert response.status_code == 200
    assert b"too similar" in response.content


def test_a_user_named_like_a_deleted_account_does_not_block_a_deletion(world):
    bob = world.users["bob"]
    User.objects.create(username=f"deleted-{bob.pk}")  # from before the prefix was reserved
    delete_account(user=bob)
    bob.refresh_from_db()
    assert bob.deleted_at is not None and bob.username.startswith(f"deleted-{bob.pk}-")


def test_the_personal_data_file_name_stays_header_safe(world, as_persona):
    User.objects.filter(pk=world.users["bob"].pk).update(username='bo"b\u0431')  # legacy
    response = as_persona("bob").get("/accounts/profile/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="middleground-bob.json"'


def test_the_admin_refuses_a_look_alike_username(world):
    root = User.objects.create_superuser("root", "root@example.org", PASSPHRASE)
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "car0l", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert "too similar" in errors["username"][0]
    assert not User.objects.filter(username="car0l").exists()
