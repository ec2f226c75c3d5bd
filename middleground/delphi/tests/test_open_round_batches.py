"""An open round cannot be watched answer by answer (issue 13, finding 3).

Polling the secretariat's "who has answered" list next to the statistics or exports of an
open round must not tie an answer to the person just marked done: the round's answers are
never exported per pseudonym while it is open, and the list and every aggregate move
together, in batches of ``services.BATCH_SIZE`` people.
"""

import re

import pytest

from middleground.delphi import selectors, services
from middleground.delphi.models import ItemKind

from .factories import draft_study

LIVE = re.compile(r'<p class="live">(.*?)</p>', re.S)


@pytest.fixture(params=["realtime", "rounds"])
def open_study(request, world, panel):
    alice = world.users["alice"]
    study = draft_study(
        alice,
        title=f"Open round {request.param}",
        mode=request.param,
        items=[(ItemKind.LIKERT, "Share basin data.", {"points": 5})],
    )
    services.invite_panel(
        actor=alice,
        study=study,
        emails=[u.email for u in panel],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    services.launch_study(actor=alice, study=study)
    study.refresh_from_db()
    return study


def _observe(study, world, as_persona, watcher):
    """Everything the secretariat and a panellist can poll about the open round."""
    alice = as_persona("alice")
    api = f"/api/v1/delphi/studies/{study.pk}"
    live = LIVE.findall(watcher.get(f"/delphi/{study.slug}/answer/").content.decode())
    return {
        "done": {
            row["email"]: row["done"] for row in selectors.panel_status(world.users["alice"], study)
        },
        "results": alice.get(f"{api}/results").json()["rounds"],
        "results_to_panellist": watcher.get(f"{api}/results").json()["rounds"],
        "live": live,
        "exports": [
            alice.get(f"/delphi/{study.slug}/answers.csv").content.decode().strip(),
            alice.get(f"/delphi/{study.slug}/answers.json").json()["answers"],
            alice.get(f"{api}/answers").json()["answers"],
        ],
    }


def test_open_round_moves_only_in_batches_and_is_never_exported_per_pseudonym(
    world, panel, open_study, as_persona, client
):
    study, round = open_study, open_study.open_round()
    item = study.items.get()
    watcher = client
    watcher.force_login(panel[0])
    assert services.BATCH_SIZE == 3
    before = _observe(study, world, as_persona, watcher)
    assert not any(before["done"].values())
    seen = [before]
    for i, (user, value) in enumerate(zip(panel, [2, 3, 4, 5], strict=True)):
        services.submit_answers(
            actor=user,
            study=study,
            round=round,
            answers=[{"item": item.pk, "value": value, "rationale": f"why-{i}", "reason": "data"}],
        )
        seen.append(_observe(study, world, as_persona, watcher))
    for view in seen:  # the open round has no per-pseudonym row anywhere, ever
        header = "pseudonym,round,item,item_id,kind,value,rationale,simulated"
        assert view["exports"] == [header, [], []]
    # Answers 1 and 2 change nothing anyone can see; answer 3 publishes the batch of
    # three: the list and the statistics move together; answer 4 waits for the next batch.
    assert seen[1] == seen[0] and seen[2] == seen[0]
    assert seen[4] == seen[3]
    third = seen[3]
    assert third["done"] == {u.email: u != panel[3] for u in panel}
    assert third["results"] != before["results"]
    row = third["results"][0]["items"][0]
    assert row["n"] == 3
    if study.is_realtime:
        assert row["summary"]["median"] == 3.0
        assert sorted(row["rationales"]) == ["why-0", "why-1", "why-2"]
        assert before["live"] == [] and "(3 answers)" in third["live"][0]
    else:
        assert row["hidden"] is True and "summary" not in row
        assert third["live"] == []
    # Closing the round shows everything: all four answers under their pseudonyms.
    services.close_round(actor=world.users["alice"], round=round)
    closed = as_persona("alice").get(f"/api/v1/delphi/studies/{study.pk}/answers").json()
    assert sorted(a["value"] for a in closed["answers"]) == [2, 3, 4, 5]
    assert all(selectors.panel_status(world.users["alice"], study)[i]["done"] for i in range(4))


def test_changed_answer_of_a_published_person_waits_for_the_next_batch(world, panel, as_persona):
    alice = world.users["alice"]
    study = draft_study(
        alice,
        title="Live changes",
        mode="realtime",
        items=[(ItemKind.LIKERT, "Share basin data.", {"points": 5})],
    )
    services.invite_panel(
        actor=alice, study=study, emails=[u.email for u in panel], accept_url_base="http://t/a"
    )
    services.launch_study(actor=alice, study=study)
    round, item = study.open_round(), study.items.get()
    for user in panel[:3]:
        services.submit_answers(
            actor=user, study=study, round=round, answers=[{"item": item.pk, "value": 3}]
        )
    results = f"/api/v1/delphi/studies/{study.pk}/results"
    published = as_persona("alice").get(results).json()
    services.submit_answers(
        actor=panel[0],
        study=study,
        round=round,
        answers=[{"item": item.pk, "value": 5, "reason": "new data"}],
    )
    assert as_persona("alice").get(results).json() == published
