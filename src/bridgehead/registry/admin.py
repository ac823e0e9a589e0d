from django.contrib import admin

from bridgehead.registry.models import Cluster, ClusterFact, ImportBatch, Organisation, Person, Sector


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
    autocomplete_fields = ["organisation", "user"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "kind", "status", "created_by", "created_at")
    exclude = ("content",)
    readonly_fields = ("filename", "kind", "status", "created_by", "summary")
