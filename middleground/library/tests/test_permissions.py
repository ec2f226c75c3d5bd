"""The library's read rule, stated in Python (``can_read``) and in SQL (``visible_documents``),
gives the same answer for every persona on every document of the demo."""

from itertools import cycle

import pytest

from middleground.accounts.models import Visitor
from middleground.library import demo, permissions
from middleground.library.models import Access, Document
from middleground.network.models import TaskForce

pytestmark = pytest.mark.django_db


def test_can_read_and_visible_documents_agree_for_every_persona(world):
    demo.load_demo()
    # The demo's documents are public: spread them over every access level, including a
    # task force no persona's institution belongs to.
    closed = TaskForce.objects.create(
        name="Closed task force (test)",
        slug="closed-tf",
        focus_area=world.security,
        chair=world.application.institution,
    )
    levels = cycle(
        [
            (Access.PUBLIC, None),
            (Access.NETWORK, None),
            (Access.TASK_FORCE, world.task_force),
            (Access.TASK_FORCE, closed),
        ]
    )
    documents = list(Document.objects.order_by("pk"))
    assert len(documents) >= 4
    for document, (access, task_force) in zip(documents, levels, strict=False):
        document.access, document.task_force = access, task_force
    Document.objects.bulk_update(documents, ["access", "task_force"])
    personas = {"anonymous": Visitor(), **world.users}
    readable = {}
    for name, user in personas.items():
        in_sql = set(permissions.visible_documents(user).values_list("pk", flat=True))
        in_python = {d.pk for d in documents if permissions.can_read(user, d)}
        assert in_sql == in_python, name
        readable[name] = len(in_python)
    # the personas see more and more: the check above covered every access level
    assert readable["anonymous"] == readable["dave"] < readable["bob"]
    assert readable["carol"] == readable["bob"] < readable["alice"] == len(documents)
