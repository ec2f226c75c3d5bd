"""A panellist's own reason is shown as theirs, never among "Other panellists' reasons"
(issue 19, item 9); the same words from several panellists are listed once, with how many."""

from middleground.delphi import services

from .factories import answers_for


def test_the_own_reason_is_apart_and_repeated_reasons_are_counted(world, panel, study, as_persona):
    round = study.open_round()
    asked = {i.pk for i in study.items.all() if i.asked_in(round.number)}
    # bob says "because 2"; one other says "because 4", two "because 5"
    for user, value in zip(panel, [2, 4, 5, 5], strict=True):
        answers = [a for a in answers_for(study, likert=value) if a["item"] in asked]
        services.submit_answers(actor=user, study=study, round=round, answers=answers)
    services.close_round(actor=world.users["alice"], round=round)
    services.open_next_round(actor=world.users["alice"], study=study)

    html = as_persona("bob").get(f"/delphi/{study.slug}/answer/").content.decode()
    others = html[html.index("Other panellists") :]
    others = others[: others.index("</ul>")]
    assert "because 2" not in others
    assert '<li>because 5 <span class="muted">(given by 2 panellists)</span></li>' in others
    assert "<li>because 4</li>" in others
    assert "Your reason in round 1" in html
    assert '<p class="own-rationale">because 2</p>' in html
