from django.contrib import admin

from bridgehead.programs import models


@admin.register(models.Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_ko", "agreement", "starts_on", "ends_on", "is_public")
    search_fields = ("title_en", "title_ko")
    filter_horizontal = ("commitments", "operators")


class FormFieldInline(admin.TabularInline):
    model = models.FormField
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_ko", "program", "opens_at", "closes_at", "is_published")
    list_filter = ("program", "is_published")
    inlines = [FormFieldInline, CriterionInline]


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "call", "status", "submitted_at")
    list_filter = ("call", "status")
    raw_id_fields = ("organisation", "created_by")


@admin.register(models.Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "kind", "since")
    raw_id_fields = ("source", "target")


for model in (
    models.CallReviewer,
    models.ConflictDeclaration,
    models.ReviewAssignment,
    models.Review,
    models.AssignmentRun,
    models.DecisionTemplate,
    models.Decision,
    models.Cohort,
    models.CohortMember,
    models.Mentorship,
    models.MentoringSession,
):
    admin.site.register(model)


@admin.register(models.DecisionMessage)
class DecisionMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "program", "outcome", "status", "created_at", "sent_at")
    list_filter = ("program", "status", "outcome")
    search_fields = ("subject", "to")
