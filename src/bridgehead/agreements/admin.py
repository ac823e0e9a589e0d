from django.contrib import admin
from django.db import models
from django.urls import reverse

from bridgehead.agreements.models import Agreement, Commitment, Signatory
from bridgehead.core.uploads import LinkedFileInput


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
    list_display = ("title_en", "title_ko", "signed_at", "time_zone", "is_public", "is_synthetic")
    search_fields = ("title_en", "title_ko")
    inlines = [SignatoryInline, CommitmentInline]
    readonly_fields = ("document_name", "document_type")
    # The current document links to the checked view: uploads have no public address.
    formfield_overrides = {
        models.FileField: {
            "widget": LinkedFileInput(
                link=lambda agreement: reverse("agreement-document", args=[agreement.slug]),
                label=lambda agreement: agreement.document_name,
            )
        }
    }
