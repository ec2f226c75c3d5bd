"""Admin for accountability: commitments editable; cycles, scores and replies read-only
(they change only through the services, which audit, and a final cycle never changes)."""

from django.contrib import admin

from .models import CellResult, Commitment, CommitmentMember, Cycle, SelfReport


class MemberInline(admin.TabularInline):
    model = CommitmentMember
    extra = 0
    fields = ("institution", "country", "partner", "silent_since")
    readonly_fields = ("silent_since",)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("code", "strategy", "status", "deadline", "weight")
    list_filter = ("status",)
    search_fields = ("code", "text")
    inlines = [MemberInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(ReadOnly):
    list_display = ("pk", "strategy", "kind", "status", "revision", "simulated", "finalised_at")
    list_filter = ("kind", "status", "simulated")


@admin.register(CellResult)
class CellAdmin(ReadOnly):
    list_display = ("cycle", "commitment", "member", "draft_score", "final_score", "reply_status")
    list_filter = ("status", "reply_status")


@admin.register(SelfReport)
class SelfReportAdmin(ReadOnly):
    list_display = ("commitment", "member", "status", "at")
    list_filter = ("status",)
