"""Admin for Delphi studies.

Deliberately absent: ``PanelSeat`` (pseudonym -> person), ``PanelInvite`` (who was
invited), ``Panellist`` (pseudonyms with their declared groups) and ``Reminder``. Answers
are read-only, of closed rounds only, listed by pseudonym only.
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
    """Read-only: answers of closed rounds under pseudonyms, never a person.

    An open round's answers stay out (listing them as they arrive ties each to whoever
    was just marked done). Nothing filters by panellist: panellist ids follow the order
    of invitation, so ``?panellist__id__exact=`` would name the person. Answer ids follow
    the order of answering, so rows link to no page, ids cannot be filtered, and only the
    pseudonym column sorts (sorting by item or value breaks ties by id).
    """

    list_display = ("pseudonym", "item_text", "round_number", "answer")
    list_display_links = None
    list_filter = ("round__study",)

    @admin.display(description="pseudonym", ordering="panellist__pseudonym")
    def pseudonym(self, obj):
        return obj.panellist.pseudonym

    @admin.display(description="item")
    def item_text(self, obj):
        return str(obj.item)

    @admin.display(description="round")
    def round_number(self, obj):
        return obj.round.number

    @admin.display(description="value")
    def answer(self, obj):
        return obj.value

    def get_queryset(self, request):
        qs = super().get_queryset(request).filter(round__closed_at__isnull=False)
        # A total order that never falls back to ids, whatever ``?o=`` asks for.
        order = ("round__study", "round__number", "item__position", "item", "panellist__pseudonym")
        return qs.select_related("panellist", "round", "item").order_by(*order)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] in ("panellist", "id", "pk"):
            return False  # refused with a 400 (DisallowedModelAdminLookup)
        return super().lookup_allowed(lookup, value, request)

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
