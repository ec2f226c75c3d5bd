"""Delphi pages. Each view: parse, authorise (selectors, permissions), call one service, render."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.analysis.delphi import QUANTILE_METHODS
from middleground.core.csv_export import csv_dicts
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service
from middleground.network import picker as network_picker
from middleground.network import picker_post
from middleground.network import selectors as network_selectors

from . import permissions, report, scales, selectors, services, stats
from .forms import InviteForm, ItemForm, RulesFields, StudyForm, VersionForm
from .models import Item, ItemKind, Study, StudyStatus


def _rules_text(rules: dict | None) -> str:
    return scales.rules_sentence(rules)


def study_list(request: HttpRequest) -> HttpResponse:
    services.claim_invitations(user=request.user)
    q = request.GET.get("q", "").strip()
    studies = list(selectors.studies(request.user, q=q))
    mine = {s.pk for s in studies if selectors.seat_of(request.user, s) is not None}
    return render(
        request,
        "delphi/study_list.html",
        {
            "studies": studies,
            "mine": mine,
            "q": q,
            "can_create": permissions.can_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request: SignedInRequest) -> HttpResponse:
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        study = call_service(
            form, lambda: services.create_study(actor=request.user, data=form.data_for_service())
        )
        if study:
            messages.success(request, _("Study created. Add items, then launch it."))
            return redirect(study)
    return render(request, "delphi/form.html", {"form": form, "title": _("New Delphi study")})


def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    services.claim_invitations(user=request.user)
    study = selectors.get_study(request.user, slug=slug)
    panellist = selectors.seat_of(request.user, study)
    manage = permissions.can_manage(request.user, study)
    open_round = study.open_round()
    items = list(selectors.items(study))
    for item in items:
        item.own_rule_text = _rules_text(item.config.get("rules"))  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "study": study,
        "items": items,
        "rounds": study.rounds.order_by("number"),
        "open_round": open_round,
        "last_round": study.last_round(),
        "rules_text": _rules_text(study.rules),
        "is_panellist": panellist is not None,
        "can_manage": manage,
        "can_invite": permissions.can_invite(request.user, study),
        "can_see_results": permissions.can_see_results(request.user, study),
        "quantile_method": QUANTILE_METHODS["linear"],
    }
    if panellist is not None and open_round is not None:
        context["answered"] = bool(selectors.own_answers(panellist, open_round))
    if manage:
        context["panel"] = selectors.panel_status(request.user, study)
    if hasattr(study, "next_version"):
        context["next_version"] = study.next_version
    return render(request, "delphi/study_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_for_manage(request.user, slug=slug)
    if not study.is_draft:
        messages.error(request, _("This study has launched; create a new version instead."))
        return redirect("delphi:new_version", slug=study.slug)
    initial = {
        "title": study.title,
        "question": study.question,
        "language": study.language,
        "topics": ", ".join(study.topics),
        "mode": study.mode,
        "anonymity": study.anonymity,
        "max_rounds": study.max_rounds,
        "round_days": study.round_days,
        "stop_when_stable": study.stop_when_stable,
        "max_cv_change": study.max_cv_change,
        "drop_consensus_items": study.drop_consensus_items,
        "task_force": study.task_force_id or "",
        "focus_area": study.focus_area.slug if study.focus_area else "",
        **RulesFields.initial_from(study.rules),
    }
    form = StudyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_study(
                actor=request.user, study=study, data=form.data_for_service()
            ),
        )
        if saved:
            return redirect(saved)
    return render(
        request,
        "delphi/form.html",
        {"form": form, "title": _("Edit %(t)s") % {"t": study.title}, "study": study},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: SignedInRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_for_manage(request.user, slug=slug)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = call_service(
            form,
            lambda: services.add_item(
                actor=request.user,
                study=study,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                config=form.config(),
            ),
        )
        if item:
            messages.success(request, _("Item added."))
            return redirect(study)
    # Free-text answers of the last closed round, to turn into items for the next one.
    suggestions = []
    last = study.last_round()
    if last is not None and last.closed_at is not None:
        for item in study.items.filter(kind=ItemKind.TEXT):
            if item.asked_in(last.number):
                suggestions.append(
                    {"item": item, "texts": stats.item_round(item, last).get("texts", [])}
                )
    return render(
        request,
        "delphi/item_form.html",
        {"form": form, "study": study, "suggestions": suggestions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: SignedInRequest, slug: str, item_id: int) -> HttpResponse:
    item = selectors.get_item_for_manage(request.user, slug=slug, item_id=item_id)
    study = item.study
    if not study.is_draft:
        messages.error(request, _("The study has launched: its items can no longer be changed."))
        return redirect(study)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item), editing=True)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_item(
                actor=request.user,
                item=item,
                text=form.cleaned_data["text"],
                config=form.config(),
            ),
        )
        if saved:
            messages.success(request, _("Item saved."))
            return redirect(study)
    return render(
        request,
        "delphi/item_form.html",
        {"form": form, "study": study, "item": item, "suggestions": []},
    )


@login_required
@require_POST
def item_delete(request: SignedInRequest, slug: str, item_id: int) -> HttpResponse:
    item = selectors.get_item_for_manage(request.user, slug=slug, item_id=item_id)
    study = item.study
    try:
        services.delete_item(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Item deleted."))
    return redirect(study)


def _post_action(
    request: HttpRequest, slug: str, action: Callable[[Study], object], success: str
) -> HttpResponse:
    study = selectors.get_study_for_manage(request.user, slug=slug)
    try:
        action(study)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(study)


@login_required
@require_POST
def study_launch(request: SignedInRequest, slug: str) -> HttpResponse:
    return _post_action(
        request,
        slug,
        lambda s: services.launch_study(actor=request.user, study=s),
        _("The study is running; its rules are locked."),
    )


@login_required
@require_POST
def study_publish(request: SignedInRequest, slug: str) -> HttpResponse:
    publish = request.POST.get("published", "1") == "1"
    return _post_action(
        request,
        slug,
        lambda s: services.publish_results(actor=request.user, study=s, published=publish),
        _("Results are public.") if publish else _("Results are no longer public."),
    )


@login_required
@require_POST
def round_close(request: SignedInRequest, slug: str) -> HttpResponse:
    def close(study):
        round = study.open_round()
        if round is None:
            raise ServiceError(_("No round is open."))
        services.close_round(actor=request.user, round=round)

    return _post_action(request, slug, close, _("Round closed."))


@login_required
@require_POST
def round_open(request: SignedInRequest, slug: str) -> HttpResponse:
    return _post_action(
        request,
        slug,
        lambda s: services.open_next_round(actor=request.user, study=s),
        _("The next round is open."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_version(request: SignedInRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_for_manage(request.user, slug=slug)
    form = VersionForm(request.POST or None, initial=RulesFields.initial_from(study.rules))
    if request.method == "POST" and form.is_valid():
        copy = call_service(
            form,
            lambda: services.new_version(
                actor=request.user,
                study=study,
                rules=form.rules(),
                note=form.cleaned_data["note"],
            ),
        )
        if copy:
            messages.success(request, _("New version created as a draft."))
            return redirect(copy)
    return render(
        request,
        "delphi/form.html",
        {
            "form": form,
            "study": study,
            "title": _("New version of %(t)s") % {"t": study.title},
            "intro": _(
                "Launched rules cannot be edited. A change creates version %(v)s as a draft, "
                "with the same items and panel and your note shown to everyone; "
                "this version closes."
            )
            % {"v": study.version + 1},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: SignedInRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_for_invite(request.user, slug=slug)
    by_email = request.method == "POST" and not picker_post.sent_picked_experts(request)
    form = InviteForm(request.POST if by_email else None)
    if request.method == "POST":
        base = request.build_absolute_uri(reverse("accounts:invitations")) + "accept"
        outcome = picker_post.invite_from_post(
            request,
            form,
            to_experts=lambda picked: services.add_to_panel(
                actor=request.user, study=study, expert_ids=picked, accept_url_base=base
            ),
            to_addresses=lambda: services.add_to_panel(
                actor=request.user,
                study=study,
                emails=form.email_lines(),
                accept_url_base=base,
                institution=form.cleaned_data.get("institution"),
            ),
        )
        if outcome is not None:
            _report_outcome(request, outcome)
            if not outcome.rejected:
                return redirect(request.get_full_path())
            if by_email:
                form = InviteForm.with_rejected(request.POST, outcome.rejected)
    context: dict[str, Any] = {"form": form, "study": study}
    if permissions.can_manage(request.user, study):
        context["panel"] = selectors.panel_status(request.user, study)
    context.update(_panel_picker(request, study))
    return render(request, "delphi/panel.html", context)


def _report_outcome(request: HttpRequest, outcome: "services.PanelOutcome") -> None:
    """The flash lines after a panel invitation: how many were invited, who already was,
    and each entry that was not taken (the e-mail form also shows them beside the field)."""
    n = len(outcome.added)
    messages.success(
        request, ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", n) % {"n": n}
    )
    if outcome.already:
        # a count, not names: the task force's chair may invite but not read the panel list
        messages.info(
            request,
            _("%(n)s of them had been invited already and were left as they were.")
            % {"n": len(outcome.already)},
        )
    picker_post.show_unlined_refusals(request, outcome.rejected)


def _panel_picker(request: SignedInRequest, study: Study) -> dict[str, Any]:
    pick = network_selectors.pick_experts(request.user, **network_picker.query_values(request.GET))
    unavailable = {e.pk: _("no account yet") for e in pick.experts if e.user_id is None}
    if permissions.can_manage(request.user, study):
        seated = selectors.seated_among(study, [e.user_id for e in pick.experts if e.user_id])
        unavailable.update({e.pk: _("on the panel") for e in pick.experts if e.user_id in seated})
    return network_picker.picker_context(
        pick,
        query=request.GET,
        path=request.path,
        submit=_("Add the selected experts to the panel"),
        unavailable=unavailable,
    )


def _parse_answers(
    request: HttpRequest, items: list[Item]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Read the answer form; returns answers and per-field parse errors."""
    answers, errors = [], {}
    post = request.POST
    for item in items:
        key = f"item_{item.pk}"
        value: Any
        if item.kind == ItemKind.RANKING:
            positions = {o["id"]: post.get(f"{key}_{o['id']}", "") for o in item.options}
            if not any(positions.values()):
                continue
            if not all(positions.values()):
                errors[key] = _("Give every option a position.")
                continue
            if len(set(positions.values())) != len(positions):
                errors[key] = _("Give each option a different position (no duplicates).")
                continue
            try:
                value = sorted(positions, key=lambda o: int(positions[o]))
            except ValueError:
                errors[key] = _("Positions are numbers.")
                continue
        elif item.kind == ItemKind.PAIR:
            d, f = post.get(f"{key}_desirability", ""), post.get(f"{key}_feasibility", "")
            if not d and not f:
                continue
            value = {"desirability": d, "feasibility": f}
        else:
            value = post.get(key, "")
            if value.strip() == "":
                continue
        answers.append(
            {
                "item": item.pk,
                "value": value,
                "rationale": post.get(f"rationale_{item.pk}", ""),
                "reason": post.get(f"reason_{item.pk}", ""),
            }
        )
    return answers, errors


def _as_int(raw: str) -> int | str:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


def _int_or_none_map(positions: dict[str, str]) -> dict[str, int | str | None]:
    return {k: (_as_int(v) if v else None) for k, v in positions.items()}


def _typed_answers(request: HttpRequest, items: list[Item]) -> dict[int, tuple[Any, str, str]]:
    """What the person typed into the answer form, item by item, exactly as sent.

    Likert points and ranking positions become numbers where they are numbers (so the
    radio or option is checked again); everything else stays the typed text.
    """
    post = request.POST
    typed: dict[int, tuple[Any, str, str]] = {}
    for item in items:
        key = f"item_{item.pk}"
        value: Any
        if item.kind == ItemKind.RANKING:
            value = {o["id"]: post.get(f"{key}_{o['id']}", "") for o in item.options}
        elif item.kind == ItemKind.PAIR:
            value = {
                "desirability": _as_int(post.get(f"{key}_desirability", "")),
                "feasibility": _as_int(post.get(f"{key}_feasibility", "")),
            }
        elif item.kind == ItemKind.LIKERT:
            raw = post.get(key, "")
            value = _as_int(raw) if raw else None
        else:
            value = post.get(key, "")
        typed[item.pk] = (
            value,
            post.get(f"rationale_{item.pk}", ""),
            post.get(f"reason_{item.pk}", ""),
        )
    return typed


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: SignedInRequest, slug: str) -> HttpResponse:
    study, panellist = selectors.get_study_for_answering(request.user, slug=slug)
    round = study.open_round()
    if round is None or not study.is_running:
        messages.error(request, _("No round is open in this study."))
        return redirect(study)
    items = [i for i in study.items.all() if i.asked_in(round.number)]
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, errors = _parse_answers(request, items)
        ratings = None
        if "expertise" in request.POST:
            ratings = {
                t: request.POST.get(f"expertise_{i}", "") for i, t in enumerate(study.topics)
            }
        if not errors:
            try:
                services.save_answer_form(
                    actor=request.user, study=study, round=round, answers=answers, ratings=ratings
                )
            except ServiceError as exc:
                errors[exc.field or "form"] = exc.message
        if not errors:
            messages.success(
                request,
                _("Your answers are saved. You can change them until the round closes."),
            )
            return redirect("delphi:answer", slug=study.slug)
    # After an error the form shows exactly what was typed, never the stored answers.
    typed = _typed_answers(request, items) if errors else None
    own = selectors.own_answers(panellist, round)
    prev = stats.previous_round(round)
    own_prev = selectors.own_answers(panellist, prev) if prev else {}
    blocks = []
    for item in items:
        current = own.get(item.pk)
        before = own_prev.get(item.pk)
        if typed is not None:
            value, rationale, reason = typed[item.pk]
        else:
            value = current.value if current else (before.value if before else None)
            rationale = current.rationale if current else (before.rationale if before else "")
            reason = current.outside_reason if current else ""
        value_error = errors.get(f"item_{item.pk}")
        block: dict[str, Any] = {
            "item": item,
            "value": value,
            "rationale": rationale,
            "reason": reason,
            "error": value_error
            or errors.get(f"rationale_{item.pk}")
            or errors.get(f"reason_{item.pk}"),
            "value_invalid": bool(value_error),
            "rationale_invalid": f"rationale_{item.pk}" in errors,
            "reason_invalid": f"reason_{item.pk}" in errors,
            "prefilled_from_previous": typed is None and current is None and before is not None,
            "choices": list(range(1, (item.points or 0) + 1)),
        }
        if item.kind == ItemKind.RANKING:
            if typed is not None:
                positions = _int_or_none_map(value or {})
            else:
                positions = {oid: i + 1 for i, oid in enumerate(value or [])}
            block["ranking"] = [{**o, "position": positions.get(o["id"])} for o in item.options]
            block["positions"] = list(range(1, len(item.options) + 1))
        if prev is not None and item.asked_in(prev.number):
            feedback = stats.item_round(item, prev)
            # the others' reasons, the same words from several panellists once (with how
            # many), and the person's own reason apart from them, never among "other" ones
            others = stats.rationales(item, prev, exclude=panellist)
            feedback["rationales"] = [
                {"text": text, "count": others.count(text)} for text in dict.fromkeys(others)
            ]
            feedback["own_rationale"] = before.rationale if before is not None else ""
            feedback["chart_id"] = f"fb-{item.pk}"
            block["feedback"] = feedback
        if study.is_realtime and item.kind in stats.SCALAR:
            live = stats.live_summary(item, round)
            block["live"] = live
        blocks.append(block)
    expertise = [
        {
            "index": i,
            "topic": t,
            "value": request.POST.get(f"expertise_{i}", "")
            if errors
            else panellist.expertise.get(t),
        }
        for i, t in enumerate(study.topics)
    ]
    return render(
        request,
        "delphi/answer.html",
        {
            "study": study,
            "round": round,
            "blocks": blocks,
            "errors": errors,
            "form_error": errors.get("form") or errors.get("round") or errors.get("item"),
            "rules_text": _rules_text(study.rules),
            "expertise": expertise,
            "pseudonym": panellist.pseudonym,
        },
    )


def results(request: HttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_results(request.user, slug=slug)
    rounds = stats.study_results(study)
    report.add_shown_texts(study, rounds)
    for r in rounds:
        for row in r["items"]:
            row["chart_id"] = f"chart-{r['number']}-{row['item']}"
    context: dict[str, Any] = {
        "study": study,
        "rounds": rounds,
        "rules_text": _rules_text(study.rules),
        "quantile_method": QUANTILE_METHODS["linear"],
        "min_group_size": stats.MIN_GROUP_SIZE,
        "can_manage": permissions.can_manage(request.user, study),
    }
    if study.is_named and permissions.can_manage(request.user, study):
        context["named"] = selectors.named_answers(request.user, study)
        context["named_rows"] = [
            {**row, "person": context["named"].get(row["pseudonym"], "")}
            for row in stats.export_rows(study)
        ]
    return render(request, "delphi/results.html", context)


def panel_report(request: HttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_results(request.user, slug=slug)
    return render(request, "delphi/report.html", report.context(study))


def panel_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_results(request.user, slug=slug)
    response = HttpResponse(report.pdf(study), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="delphi-{study.slug}.pdf"'
    return response


EXPORT_FIELDS = ["pseudonym", "round", "item", "item_id", "kind", "value", "rationale", "simulated"]


def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_results(request.user, slug=slug)
    rows = (
        {**row, "value": v if isinstance(v := row["value"], str | int | float) else json.dumps(v)}
        for row in stats.export_rows(study)
    )
    body = csv_dicts(rows, fieldnames=EXPORT_FIELDS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="delphi-{study.slug}-answers.csv"'
    return response


def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_study_results(request.user, slug=slug)
    body = {
        "study": study.title,
        "version": study.version,
        "rules": study.rules,
        "is_simulated": study.is_simulated,
        "answers": stats.export_rows(study),
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="delphi-{study.slug}-answers.json"'
    return response


__all__ = ["StudyStatus"]
