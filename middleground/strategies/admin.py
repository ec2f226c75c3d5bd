"""Admin for strategies: read-mostly. The text changes only through the drafting services
(so that every change makes a version); versions, amendments and endorsements are read-only
here, and a published version cannot change at all (``Version.save`` refuses)."""

from django.contrib import admin

from .models import Amendment, Endorsement, EndorsementCall, Strategy, Version


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "kind", "task_force", "lead", "updated_at")
    list_filter = ("status", "kind", "focus_area")
    search_fields = ("title", "summary")
    readonly_fields = ("slug", "status", "task_force", "created_by", "translation_of")
    fields = (
        "title",
        "slug",
        "kind",
        "status",
        "task_force",
        "focus_area",
        "lead",
        "language",
        "translation_of",
        "summary",
        "breadth_kind",
        "breadth_min_per_group",
        "breadth_min_groups",
        "is_demo",
        "created_by",
    )


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Version)
class VersionAdmin(ReadOnly):
    list_display = ("strategy", "number", "note", "created_at", "published_at", "sha256")
    list_filter = ("published_at",)
    search_fields = ("strategy__title", "note")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnly):
    list_display = ("pk", "strategy", "kind", "state", "author", "created_at", "decided_at")
    list_filter = ("state", "kind")
    search_fields = ("strategy__title", "text")


@admin.register(EndorsementCall)
class EndorsementCallAdmin(ReadOnly):
    list_display = ("strategy", "version", "deadline", "silence_procedure", "closed_at", "adopted")


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnly):
    list_display = ("call", "institution", "position", "at", "current")
    list_filter = ("position", "current")
