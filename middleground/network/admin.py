from django.contrib import admin

from .models import Bloc, Country, Expert, FocusArea, Institution, MembershipApplication, TaskForce


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "regional_group", "m49_region")
    list_filter = ("regional_group", "m49_region", "blocs")
    search_fields = ("name", "code", "alpha3")


@admin.register(Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "source")


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "sdgs")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "is_member", "verified", "is_demo")
    list_filter = ("kind", "is_member", "verified", "country__regional_group")
    search_fields = ("name", "acronym")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "country", "visibility", "is_demo")
    list_filter = ("visibility", "is_demo", "focus_areas")
    search_fields = ("name",)


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    list_display = ("name", "focus_area", "chair")


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    list_display = ("institution", "status", "created_at")
    list_filter = ("status",)
