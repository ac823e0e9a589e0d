from django.contrib import admin

from bridgehead.registry.models import (
    Cluster,
    ClusterFact,
    ImportBatch,
    Membership,
    Organisation,
    Person,
    PublicListingConsent,
    Sector,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ko", "parent")
    search_fields = ("code", "name_en", "name_ko")


class ClusterFactInline(admin.TabularInline):
    model = ClusterFact
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "country", "time_zone")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [ClusterFactInline]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ("name_ko", "name_en", "title_en", "email")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "kind", "cluster", "country", "stage", "is_synthetic")
    list_filter = ("kind", "cluster", "stage", "is_synthetic")
    search_fields = ("name_en", "name_ko", "search_text")
    filter_horizontal = ("sectors",)
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "organisation", "email", "time_zone")
    search_fields = ("name_en", "name_ko", "email")
    autocomplete_fields = ["user"]
    # The shown organisation follows memberships (registry.memberships keeps it and the member roles in step).
    readonly_fields = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only history: memberships change on the organisation's Members page, through the services that
    keep the member roles in step (an edit here would grant no role or leave one behind)."""

    list_display = ("person", "organisation", "status", "is_admin", "requested_at", "decided_by", "ended_at")
    list_filter = ("status", "is_admin")
    search_fields = ("person__name_en", "person__name_ko", "organisation__name_en", "organisation__name_ko")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "kind", "status", "created_by", "created_at")
    exclude = ("content",)
    readonly_fields = ("filename", "kind", "status", "created_by", "summary")


@admin.register(PublicListingConsent)
class PublicListingConsentAdmin(admin.ModelAdmin):
    """Read-only: consent is given and withdrawn on the organisation's page, so the history names who did it."""

    list_display = ("organisation", "given_at", "given_by", "withdrawn_at", "withdrawn_by")
    list_select_related = ("organisation", "given_by", "withdrawn_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
