"""Admin for Delphi studies.

Deliberately absent: ``PanelSeat`` (pseudonym -> person), ``PanelInvite`` (who was
invited), ``Panellist`` (pseudonyms with their declared groups) and ``Reminder``. Answers
are read-only and show only the pseudonym.
"""

from django.contrib import admin

from .models import Answer, Item, Round, Study


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ("position", "kind", "text", "first_round", "last_round")
    readonly_fields = ("first_round", "last_round")


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "mode", "version", "is_published", "is_simulated")
    list_filter = ("status", "mode", "is_published")
    search_fields = ("title",)
    readonly_fields = ("rules", "rules_locked_at", "launched_at", "version", "previous_version")
    inlines = [ItemInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_draft:
            fields += ["status", "mode", "anonymity", "max_rounds", "stop_when_stable"]
        return fields


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("study", "number", "opened_at", "closes_at", "closed_at")
    readonly_fields = ("study", "number", "opened_at", "closed_at")


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """Read-only: answers under pseudonyms, never a person."""

    list_display = ("pseudonym", "item", "round_number", "value")
    list_filter = ("round__study",)
    fields = ("pseudonym", "item", "round_number", "value", "rationale", "outside_reason")
    readonly_fields = fields

    @admin.display(description="pseudonym", ordering="panellist__pseudonym")
    def pseudonym(self, obj):
        return obj.panellist.pseudonym

    @admin.display(description="round")
    def round_number(self, obj):
        return obj.round.number

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
