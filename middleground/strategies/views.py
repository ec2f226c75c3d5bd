"""Drafting pages. Each view: parse, authorise (selectors), call one service, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from middleground.accounts.http import SignedInRequest
from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.core.forms import call_service
from middleground.network.models import TaskForce

from . import diffing, endorsements, evidence, permissions, selectors, services, versioning
from .forms import (
    AmendmentForm,
    CommentForm,
    DecisionForm,
    FilterForm,
    MergeForm,
    ParagraphFields,
    ParagraphForm,
    SectionForm,
    StrategyEditForm,
    StrategyForm,
    TranslationForm,
    split_actors,
)
from .models import Amendment, AmendmentKind, AmendmentState, Paragraph, Strategy, Version

PAGE_SIZE = 20


def _paragraph_url(strategy: Strategy, key: Any) -> str:
    return reverse("strategies:paragraph", args=[strategy.slug, key])


def _creatable_task_forces(user: Any):
    if not user.is_authenticated:
        return TaskForce.objects.none()
    if user.is_secretariat:
        return TaskForce.objects.order_by("name")
    return TaskForce.objects.filter(chair_id=user.institution_id).order_by("name")


def _may_create(user: Any) -> bool:
    return any(permissions.can_create(user, tf) for tf in _creatable_task_forces(user))


# --------------------------------------------------------------------------- list and create


def strategy_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    values = {"q": "", "status": "", "focus_area": ""}
    if form.is_valid():
        values.update({k: (v or "").strip() for k, v in form.cleaned_data.items()})
    qs = selectors.strategies(request.user, **values)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request,
        "strategies/strategy_list.html",
        {
            "page": page,
            "strategies": page.object_list,
            "filter_form": form,
            "filtered": any(values.values()),
            "query": query,
            "can_create": _may_create(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_create(request: SignedInRequest) -> HttpResponse:
    task_forces = [
        tf
        for tf in _creatable_task_forces(request.user)
        if permissions.can_create(request.user, tf)
    ]
    if not task_forces:
        raise PermissionDenied
    tf_qs = TaskForce.objects.filter(pk__in=[tf.pk for tf in task_forces]).order_by("name")
    leads = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role="secretariat")
            | Q(
                role__in=permissions.TASK_FORCE_ROLES,
                institution__task_forces__in=tf_qs,
            )
        )
        .distinct()
        .order_by("username")
    )
    initial = {"lead": request.user.pk, "task_force": task_forces[0].pk}
    form = StrategyForm(request.POST or None, initial=initial, task_forces=tf_qs, leads=leads)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        strategy = call_service(
            form,
            lambda: services.create_strategy(
                actor=request.user,
                task_force=d["task_force"],
                title=d["title"],
                focus_area=d["focus_area"],
                lead=d["lead"],
                kind=d["kind"],
                summary=d["summary"],
                language=d["language"],
                breadth_kind=d["breadth_kind"],
                breadth_min_per_group=d["breadth_min_per_group"],
                breadth_min_groups=d["breadth_min_groups"],
            ),
        )
        if strategy:
            messages.success(request, _("Strategy created. Add sections and paragraphs."))
            return redirect(strategy)
    return render(request, "strategies/form.html", {"form": form, "title": _("New joint strategy")})


# --------------------------------------------------------------------------- the text


def _content_sections(strategy: Strategy, version: Version | None, drafter: bool) -> list[dict]:
    """The version's sections and paragraphs, each paragraph with its annotated evidence and,
    for drafters, its counts of comments and open amendments and its page."""
    if version is None:
        return []
    counts: dict[str, Paragraph] = {}
    if drafter:
        counts = {str(p.key): p for p in selectors.working_paragraphs(strategy)}
    sections = []
    for s in version.content.get("sections", []):
        items = []
        for p in s.get("paragraphs", []):
            item = dict(p)
            item["evidence"] = list(p.get("evidence", []))
            live = counts.get(str(p["key"]))
            item["n_comments"] = getattr(live, "n_comments", 0)
            item["n_open"] = getattr(live, "n_open", 0)
            item["url"] = _paragraph_url(strategy, p["key"]) if drafter else ""
            item["is_recommendation"] = p.get("kind") == "recommendation"
            items.append(item)
        sections.append({"title": s.get("title", ""), "paragraphs": items})
    # the evidence of every paragraph annotated in one batch (evidence.annotate per item list)
    evidence.annotate_paragraphs([p for s in sections for p in s["paragraphs"]])
    return sections


def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    drafter = permissions.can_view_drafts(request.user, strategy)
    version = selectors.shown_version(strategy, request.user)
    return render(
        request,
        "strategies/strategy_detail.html",
        {
            "strategy": strategy,
            "version": version,
            "sections": _content_sections(strategy, version, drafter),
            "drafter": drafter,
            "can_lead": permissions.can_lead(request.user, strategy) and strategy.is_drafting,
            "can_take_part": permissions.can_take_part(request.user, strategy),
            "n_open": selectors.open_amendments(strategy).count() if drafter else 0,
            "endorsement": endorsements.box(strategy, request.user),
            "translations": selectors.translations(strategy, request.user),
            "can_translate": permissions.can_lead(request.user, strategy)
            and strategy.translation_of_id is None,
            "can_publish_translation": strategy.translation_of_id is not None
            and strategy.is_drafting
            and permissions.can_lead(request.user, strategy),
        },
    )


def _published(request: HttpRequest, strategy: Strategy) -> HttpResponse | None:
    """A redirect with the reason when the text is no longer drafted (nothing to edit)."""
    if strategy.is_drafting:
        return None
    messages.error(request, _("This strategy is no longer being drafted: its text is published."))
    return redirect(strategy)


def _form_page(request: HttpRequest, strategy: Strategy, form: Any, title: str, **extra: Any):
    return render(
        request,
        "strategies/form.html",
        {"form": form, "title": title, "strategy": strategy, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    if (refused := _published(request, strategy)) is not None:
        return refused
    initial = {
        "title": strategy.title,
        "summary": strategy.summary,
        "breadth_kind": strategy.breadth_kind,
        "breadth_min_per_group": strategy.breadth_min_per_group,
        "breadth_min_groups": strategy.breadth_min_groups,
    }
    form = StrategyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_strategy(
                actor=request.user, strategy=strategy, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return _form_page(request, strategy, form, _("Edit %(t)s") % {"t": strategy.title})


@login_required
@require_http_methods(["GET", "POST"])
def section_create(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    if (refused := _published(request, strategy)) is not None:
        return refused
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        section = call_service(
            form,
            lambda: services.add_section(
                actor=request.user, strategy=strategy, title=form.cleaned_data["title"]
            ),
        )
        if section:
            messages.success(request, _("Section added."))
            return redirect(strategy)
    return _form_page(request, strategy, form, _("New section"))


@login_required
@require_http_methods(["GET", "POST"])
def translation_create(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    form = TranslationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        translation = call_service(
            form,
            lambda: services.create_translation(
                actor=request.user,
                strategy=strategy,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
            ),
        )
        if translation:
            messages.success(request, _("Translation started: translate each paragraph."))
            return redirect(translation)
    return _form_page(request, strategy, form, _("New translation"))


@login_required
@require_POST
def translation_publish(request: SignedInRequest, slug: str) -> HttpResponse:
    translation = selectors.get_strategy_for_lead(request.user, slug=slug)
    try:
        services.publish_translation(actor=request.user, translation=translation)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Translation published beside the authentic text."))
    return redirect(translation)


@login_required
@require_http_methods(["GET", "POST"])
def paragraph_create(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    if (refused := _published(request, strategy)) is not None:
        return refused
    sections = list(strategy.sections.order_by("position", "pk"))
    if not sections:
        messages.error(request, _("Add a section first."))
        return redirect("strategies:section_create", slug=strategy.slug)
    form = ParagraphForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        section = next(s for s in sections if str(s.pk) == d["section"])
        made = call_service(
            form,
            lambda: services.add_paragraph(
                actor=request.user,
                strategy=strategy,
                section=section,
                text=d["text"],
                kind=d["kind"],
                actors=form.actor_list(),
                timeline=d["timeline"],
            ),
        )
        if made:
            messages.success(request, _("Paragraph added."))
            return redirect(strategy)
    return _form_page(request, strategy, form, _("New paragraph"))


# --------------------------------------------------------------------------- a paragraph


def _amendment_view(a: Amendment, current: Paragraph) -> dict[str, Any]:
    """What the page shows of an amendment: whether the paragraph changed since it was written,
    and its proposal as a diff against the *current* text (and against its base)."""
    if a.kind == AmendmentKind.REPLACE:
        against_current = diffing.word_diff(current.text, a.text)
        against_base = diffing.word_diff(a.base_text, a.text)
    elif a.kind == AmendmentKind.DELETE:
        against_current = [(diffing.DIFF_DELETE, current.text)]
        against_base = [(diffing.DIFF_DELETE, a.base_text)]
    else:
        against_current = against_base = [(diffing.DIFF_INSERT, a.text)]
    return {
        "obj": a,
        "base_changed": a.is_open and (a.base_text != current.text or current.deleted),
        "since_base": diffing.word_diff(a.base_text, current.text),
        "diff": against_current,
        "diff_base": against_base,
        "comments": list(a.comments.all()),
    }


def _paragraph_context(request: HttpRequest, strategy: Strategy, paragraph: Paragraph, **forms):
    user = request.user
    amendments = selectors.amendments_of(paragraph, user)
    lead = permissions.can_lead(user, strategy) and strategy.is_drafting
    mergeable = [
        a for a in amendments if a.state == AmendmentState.EVALUATING and a.kind != "delete"
    ]
    take_part = permissions.can_take_part(user, strategy)
    version = strategy.latest_version()
    number = None
    if version is not None:
        for p in versioning.paragraphs_of(version.content):
            if p["key"] == str(paragraph.key):
                number = p.get("number")
    return {
        "strategy": strategy,
        "paragraph": paragraph,
        "number": number,
        "comments": list(selectors.paragraph_comments(paragraph)),
        "amendments": [_amendment_view(a, paragraph) for a in amendments],
        "n_open": sum(1 for a in amendments if a.is_open),
        "can_lead": lead,
        "can_take_part": take_part,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "amendment_form": forms.get("amendment_form")
        or AmendmentForm(initial={"kind": "replace", "text": paragraph.text}),
        "merge_form": (
            forms.get("merge_form")
            or MergeForm(amendments=mergeable, initial={"text": paragraph.text})
        )
        if lead and len(mergeable) >= 2
        else None,
        "decision_form": DecisionForm(),
        "user_id": getattr(user, "pk", None),
    }


def paragraph_detail(request: HttpRequest, slug: str, key: Any) -> HttpResponse:
    strategy = selectors.get_strategy_for_drafting(request.user, slug=slug)
    paragraph = selectors.paragraph(strategy, key)
    return render(
        request,
        "strategies/paragraph_detail.html",
        _paragraph_context(request, strategy, paragraph),
    )


@login_required
@require_http_methods(["GET", "POST"])
def paragraph_edit(request: SignedInRequest, slug: str, key: Any) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    if (refused := _published(request, strategy)) is not None:
        return refused
    paragraph = selectors.paragraph(strategy, key)
    initial = {
        "kind": paragraph.kind,
        "text": paragraph.text,
        "actors": "; ".join(paragraph.actors),
        "timeline": paragraph.timeline,
    }
    form = ParagraphFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.edit_paragraph(
                actor=request.user,
                strategy=strategy,
                paragraph=paragraph,
                text=d["text"],
                kind=d["kind"],
                actors=form.actor_list(),
                timeline=d["timeline"],
            ),
        )
        if saved:
            messages.success(request, _("Paragraph saved."))
            return redirect(_paragraph_url(strategy, paragraph.key))
    return _form_page(request, strategy, form, _("Edit the paragraph"), paragraph=paragraph)


@login_required
@require_POST
def comment_create(request: SignedInRequest, slug: str, key: Any) -> HttpResponse:
    strategy = selectors.get_strategy_for_drafting(request.user, slug=slug)
    paragraph = selectors.paragraph(strategy, key)
    form = CommentForm(request.POST)
    if form.is_valid():
        pk = request.POST.get("amendment", "")
        amendment = selectors.amendment(strategy, int(pk)) if pk.isdigit() else None
        made = call_service(
            form,
            lambda: services.comment(
                actor=request.user,
                strategy=strategy,
                paragraph=paragraph,
                text=form.cleaned_data["text"],
                amendment=amendment,
            ),
        )
        if made:
            messages.success(request, _("Comment added."))
            anchor = f"#amendment-{amendment.pk}" if amendment else "#comments"
            return redirect(_paragraph_url(strategy, paragraph.key) + anchor)
    context = _paragraph_context(request, strategy, paragraph, comment_form=form)
    return render(request, "strategies/paragraph_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_create(request: SignedInRequest, slug: str, key: Any) -> HttpResponse:
    strategy = selectors.get_strategy_for_drafting(request.user, slug=slug)
    paragraph = selectors.paragraph(strategy, key)
    if not permissions.can_take_part(request.user, strategy):
        raise PermissionDenied
    form = AmendmentForm(request.POST or None, initial={"kind": "replace", "text": paragraph.text})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = call_service(
            form,
            lambda: services.propose_amendment(
                actor=request.user,
                strategy=strategy,
                paragraph=paragraph,
                kind=d["kind"],
                text=d["text"],
                new_kind=d["new_kind"] or "narrative",
                actors=split_actors(d["actors"] or ""),
                timeline=d["timeline"],
                explanation=d["explanation"],
                draft=d["draft"],
            ),
        )
        if made:
            messages.success(request, _("Amendment proposed."))
            return redirect(_paragraph_url(strategy, paragraph.key) + f"#amendment-{made.pk}")
    return _form_page(request, strategy, form, _("Propose an amendment"), paragraph=paragraph)


def _amendment_action(
    request: HttpRequest, slug: str, pk: int, action: Callable[[Amendment], object], done: str
) -> HttpResponse:
    strategy = selectors.get_strategy_for_drafting(request.user, slug=slug)
    amendment = selectors.amendment(strategy, pk)
    try:
        action(amendment)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_paragraph_url(strategy, amendment.paragraph.key) + f"#amendment-{pk}")


@login_required
@require_POST
def amendment_decide(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """The lead accepts or rejects; the author of a draft publishes it (``publish=1``)."""
    if request.POST.get("publish") == "1":
        return _amendment_action(
            request,
            slug,
            pk,
            lambda a: services.publish_amendment(actor=request.user, amendment=a),
            _("Amendment published to the task force."),
        )
    selectors.get_strategy_for_lead(request.user, slug=slug)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        strategy = selectors.get_strategy(request.user, slug=slug)
        amendment = selectors.amendment(strategy, pk)
        messages.error(request, _("Choose to accept or reject."))
        return redirect(_paragraph_url(strategy, amendment.paragraph.key) + f"#amendment-{pk}")
    reason = form.cleaned_data.get("reason", "")
    if form.cleaned_data["decision"] == "accept":
        return _amendment_action(
            request,
            slug,
            pk,
            lambda a: services.accept_amendment(actor=request.user, amendment=a, reason=reason),
            _("Amendment accepted: the text changed and a new version was made."),
        )
    return _amendment_action(
        request,
        slug,
        pk,
        lambda a: services.reject_amendment(actor=request.user, amendment=a, reason=reason),
        _("Amendment rejected."),
    )


@login_required
@require_POST
def amendment_withdraw(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    return _amendment_action(
        request,
        slug,
        pk,
        lambda a: services.withdraw_amendment(actor=request.user, amendment=a),
        _("Amendment withdrawn."),
    )


@login_required
@require_POST
def amendment_promote(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    return _amendment_action(
        request,
        slug,
        pk,
        lambda a: services.promote_amendment(actor=request.user, amendment=a),
        _("Amendment proposed again, against the current text."),
    )


@login_required
@require_POST
def amendment_merge(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy_for_lead(request.user, slug=slug)
    ids = [int(x) for x in request.POST.getlist("amendments") if x.isdigit()]
    chosen = list(strategy.amendments.filter(pk__in=ids).select_related("paragraph"))
    back = (
        _paragraph_url(strategy, chosen[0].paragraph.key) if chosen else strategy.get_absolute_url()
    )
    try:
        version = services.merge_amendments(
            actor=request.user,
            amendments=chosen,
            text=request.POST.get("text", ""),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Amendments merged into version %(n)s.") % {"n": version.number},
        )
    return redirect(back)


# --------------------------------------------------------------------------- versions


def version_list(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    versions = list(selectors.versions(strategy, request.user))
    return render(
        request,
        "strategies/version_list.html",
        {
            "strategy": strategy,
            "versions": versions,
            "drafter": permissions.can_view_drafts(request.user, strategy),
        },
    )


def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    version = selectors.version(strategy, number, request.user)
    return render(
        request,
        "strategies/version_detail.html",
        {
            "strategy": strategy,
            "version": version,
            "sections": _content_sections(strategy, version, False),
            "endorsement": None,
        },
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.get_strategy(request.user, slug=slug)
    versions = list(selectors.versions(strategy, request.user))  # newest first
    numbers = [v.number for v in versions]
    a_n, b_n = _number(request.GET.get("a")), _number(request.GET.get("b"))
    if b_n is None and versions:
        b_n = versions[0].number
    if a_n is None and len(versions) > 1:
        a_n = versions[1].number
    context: dict[str, Any] = {
        "strategy": strategy,
        "versions": versions,
        "a": a_n,
        "b": b_n,
        "changes": None,
    }
    if a_n is not None and b_n is not None:
        if a_n not in numbers or b_n not in numbers:
            context["error"] = _("Choose two versions from the lists.")
        else:
            va = selectors.version(strategy, a_n, request.user)
            vb = selectors.version(strategy, b_n, request.user)
            changes = diffing.compare(va.content, vb.content)
            context.update(
                version_a=va,
                version_b=vb,
                changes=changes,
                summary=diffing.summary(changes),
            )
    return render(request, "strategies/compare.html", context)
