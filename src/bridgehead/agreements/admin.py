from django.contrib import admin

from bridgehead.agreements.models import Agreement, Commitment, Signatory


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ["organisation"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0
    filter_horizontal = ("sectors",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_ko", "signed_at", "time_zone", "is_synthetic")
    search_fields = ("title_en", "title_ko")
    inlines = [SignatoryInline, CommitmentInline]
