"""A service given a row loaded earlier writes only the fields it changed.

Each test loads a study as a request would, lets another request change another field,
then calls the service with the stale instance: the other change must survive.
"""

from middleground.delphi import services
from middleground.delphi.models import Round, Study, StudyStatus

from .factories import draft_study


def test_editing_a_draft_from_a_stale_page_keeps_a_concurrent_rules_change(world):
    alice = world.users["alice"]
    stale = draft_study(alice)
    services.update_study(
        actor=alice,
        study=Study.objects.get(pk=stale.pk),
        data={"rules": {"min_answers": 2, "max_iqr": 2}},
    )
    services.update_study(actor=alice, study=stale, data={"title": "Renamed"})
    study = Study.objects.get(pk=stale.pk)
    assert study.title == "Renamed"
    assert study.rules == services.parse_rules({"min_answers": 2, "max_iqr": 2})


def test_launching_from_a_stale_page_keeps_a_concurrent_title_change(world):
    alice = world.users["alice"]
    stale = draft_study(alice)
    services.update_study(
        actor=alice, study=Study.objects.get(pk=stale.pk), data={"title": "Renamed"}
    )
    services.launch_study(actor=alice, study=stale)
    study = Study.objects.get(pk=stale.pk)
    assert study.title == "Renamed" and study.status == StudyStatus.RUNNING


def test_publishing_from_a_stale_page_keeps_a_concurrent_close(world, study):
    alice = world.users["alice"]
    Study.objects.filter(pk=study.pk).update(max_rounds=1)
    stale = Study.objects.get(pk=study.pk)
    services.close_round(actor=alice, round=Round.objects.get(study=study, number=1))
    services.publish_results(actor=alice, study=stale)
    fresh = Study.objects.get(pk=study.pk)
    assert fresh.is_published
    assert fresh.status == StudyStatus.CLOSED and fresh.stop_reason


def test_closing_the_last_round_keeps_a_concurrent_publication(world, study):
    alice = world.users["alice"]
    Study.objects.filter(pk=study.pk).update(max_rounds=1)
    round = Round.objects.select_related("study").get(study=study, number=1)
    services.publish_results(actor=alice, study=Study.objects.get(pk=study.pk))
    services.close_round(actor=alice, round=round)
    fresh = Study.objects.get(pk=study.pk)
    assert fresh.status == StudyStatus.CLOSED
    assert fresh.is_published


def test_a_new_version_from_a_stale_page_keeps_a_concurrent_publication(world, study):
    alice = world.users["alice"]
    stale = Study.objects.get(pk=study.pk)
    services.publish_results(actor=alice, study=Study.objects.get(pk=study.pk))
    services.new_version(
        actor=alice, study=stale, rules={"min_answers": 3, "max_iqr": 2}, note="Looser IQR."
    )
    old = Study.objects.get(pk=study.pk)
    assert old.status == StudyStatus.SUPERSEDED and old.is_published


def test_a_study_edit_audits_only_the_changed_fields(world):
    from middleground.accounts.models import AuditEvent

    alice = world.users["alice"]
    study = draft_study(alice)
    services.update_study(
        actor=alice, study=study, data={"title": "Renamed", "question": study.question}
    )
    line = AuditEvent.objects.get(action="delphi.study.update")
    assert list(line.details["changes"]) == ["title"]
    assert line.details["changes"]["title"]["after"] == "Renamed"
