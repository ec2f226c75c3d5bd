"""Pages of a session's outcomes: its minutes, its outputs, and the event's closing report.

Anyone who may see the event reads them; the session's hosts and the secretariat write them
(``outcomes.can_write``). Every page applies the Chatham House rule through
``outcomes.attribution``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from middleground.core.forms import call_service
from middleground.network.models import Institution

from . import outcomes, selectors
from .models import OutputKind


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Minutes"),
        required=False,
        max_length=outcomes.MINUTES_MAX,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=gettext_lazy("What was discussed and concluded. Plain text."),
    )
    attendance = forms.IntegerField(
        label=gettext_lazy("Attendance"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("Leave empty to count the check-ins at the door."),
    )
    institutions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Attending institutions"),
        required=False,
        queryset=Institution.objects.filter(verified=True).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy(
            "Leave empty to take the institutions of the people checked in for the session."
        ),
    )

    def __init__(self, *args, chatham_house: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if chatham_house:  # not named under the rule: the check-ins give them, uncounted by name
            del self.fields["institutions"]


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of output"), choices=OutputKind.choices)
    target = forms.CharField(
        label=gettext_lazy("Id or key"),
        max_length=64,
        help_text=gettext_lazy(
            "A consensus statement's id, a library document's id, or a strategy paragraph's key."
        ),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=outcomes.NOTE_MAX)


def _session(request, slug, pk):
    event = selectors.get_event(request.user, slug=slug)
    return event, selectors.get_session(request.user, pk, event=event)


def _require_writer(request, session):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not outcomes.can_write(request.user, session):
        raise PermissionDenied
    return None


@require_http_methods(["GET", "POST"])
def minutes(request, slug, pk):
    event, session = _session(request, slug, pk)
    can_write = outcomes.can_write(request.user, session)
    shown = outcomes.minutes_for_display(session)
    current = shown["minutes"]
    if request.method == "POST":
        refused = _require_writer(request, session)
        if refused:
            return refused
        form = MinutesForm(request.POST, chatham_house=shown["attribution"].hidden)
        if form.is_valid() and call_service(
            form,
            lambda: outcomes.write_minutes(
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
                attendance=form.cleaned_data["attendance"],
                institutions=form.cleaned_data.get("institutions") or (),
            ),
        ):
            messages.success(request, _("The minutes were saved."))
            return redirect("forum:minutes", slug=event.slug, pk=session.pk)
    else:
        initial = {}
        if current is not None:
            initial = {
                "text": shown["text"],  # under the Chatham House rule, without names
                "attendance": current.attendance,
                "institutions": list(current.institutions.all()),
            }
        form = MinutesForm(initial=initial, chatham_house=shown["attribution"].hidden)
    door_count, _door_institutions = outcomes.checked_in_attendance(session)
    return render(
        request,
        "forum/minutes.html",
        {
            "event": event,
            "session": session,
            "shown": shown,
            "rule": shown["attribution"],
            "form": form if can_write else None,
            "door_count": door_count,
            "outputs": outcomes.describe_outputs(request.user, session),
            "can_write": can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def outputs(request, slug, pk):
    event, session = _session(request, slug, pk)
    can_write = outcomes.can_write(request.user, session)
    form = OutputForm()
    if request.method == "POST":
        refused = _require_writer(request, session)
        if refused:
            return refused
        if request.POST.get("action") == "remove":
            output = session.outputs.filter(pk=request.POST.get("output") or 0).first()
            if output is None:
                messages.error(request, _("This output is not linked to the session."))
            else:
                outcomes.unlink_output(actor=request.user, output=output)
                messages.success(request, _("The output was unlinked."))
            return redirect("forum:outputs", slug=event.slug, pk=session.pk)
        form = OutputForm(request.POST)
        if form.is_valid() and call_service(
            form,
            lambda: outcomes.link_output(
                actor=request.user,
                session=session,
                kind=form.cleaned_data["kind"],
                target=form.cleaned_data["target"],
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, _("The output was linked to the session."))
            return redirect("forum:outputs", slug=event.slug, pk=session.pk)
    return render(
        request,
        "forum/outputs.html",
        {
            "event": event,
            "session": session,
            "rule": outcomes.attribution(session),
            "outputs": outcomes.describe_outputs(request.user, session),
            "form": form if can_write else None,
            "can_write": can_write,
        },
    )


@require_http_methods(["GET"])
def event_report(request, slug):
    event = selectors.get_event(request.user, slug=slug)
    report = outcomes.event_report(request.user, event)
    return render(
        request,
        "forum/event_report.html",
        {"event": event, "report": report, "ended": event.ends_at < timezone.now()},
    )
