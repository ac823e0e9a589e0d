"""Admin for site administrators; day-to-day work happens on the outcome pages (same rules, same services)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse

from bridgehead.core.uploads import LinkedFileInput
from bridgehead.outcomes.models import ChangeProposal, FxRate, Kpi, Outcome, ReminderSchedule, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = (
        "title_en",
        "title_ko",
        "organisation",
        "program",
        "kind",
        "status",
        "confirmed_at",
        "is_confidential",
        "is_synthetic",
    )
    list_filter = ("kind", "status", "is_confidential", "is_synthetic", "program")
    search_fields = ("title_en", "title_ko", "organisation__name_en", "organisation__name_ko")
    raw_id_fields = ("meeting", "counterparty", "organisation")
    inlines = [StatusChangeInline]
    readonly_fields = ("evidence_name", "evidence_type")
    # The current evidence links to the checked view: uploads have no public address.
    formfield_overrides = {
        models.FileField: {
            "widget": LinkedFileInput(
                link=lambda outcome: reverse("outcome-evidence", args=[outcome.pk]),
                label=lambda outcome: outcome.evidence_name,
            )
        }
    }


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ("program", "on", "currency", "base", "rate", "source")
    list_filter = ("program", "currency", "base")


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ko", "program", "commitment", "metric", "target", "starts_on", "ends_on")
    list_filter = ("program", "metric")


@admin.register(ChangeProposal)
class ChangeProposalAdmin(admin.ModelAdmin):
    list_display = ("outcome", "status", "proposed_by", "proposed_at", "decided_by")
    list_filter = ("status",)


admin.site.register(ReminderSchedule)
