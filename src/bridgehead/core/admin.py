from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bridgehead.core import privacy
from bridgehead.core.errors import Refused
from bridgehead.core.models import ApiToken, RoleAssignment, User
from bridgehead.core.workers import WorkerHeartbeat


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class BridgeheadUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("display_name", "language", "time_zone", "erased_at")}),
    )
    list_display = ("username", "display_name", "email", "language", "time_zone", "is_active", "erased_at")
    readonly_fields = ("erased_at",)
    inlines = [RoleInline]
    actions = ["erase_personal_data"]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Never: deleting a login deletes the reviews it wrote or is blocked by its applications. Erase it."""
        return False

    @admin.action(description=_("Erase personal data (keeps reviews, decisions and outcomes)"))
    def erase_personal_data(self, request, queryset):
        """Show what erasing each selected person does; erase them once the administrator confirms."""
        subjects = [privacy.resolve(user.username) for user in queryset if user.erased_at is None]
        if request.POST.get("confirm") == "yes":
            erased = 0
            for subject in subjects:
                try:
                    privacy.erase_person(subject=subject, by=request.user)
                except Refused as refusal:
                    self.message_user(request, f"{subject}: {refusal.message}", messages.ERROR)
                else:
                    erased += 1
            count = ngettext("%(count)d person erased.", "%(count)d people erased.", erased) % {"count": erased}
            self.message_user(request, count, messages.SUCCESS)
            return None
        previews = []
        for subject in subjects:
            label = subject.user.username
            try:
                previews.append((label, privacy.summary(privacy.preview_erasure(subject=subject, by=request.user))))
            except Refused as refusal:
                previews.append((label, [refusal.message]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "previews": previews,
            "queryset": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "core/admin_erase.html", context)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "program", "agreement", "organisation")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ["organisation", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued by their owner, who sees the key once


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: which background workers ran and when each last reported (written by the workers only)."""

    list_display = ("hostname", "pid", "started_at", "seen_at", "stopped_at")
    readonly_fields = ("worker_id", "hostname", "pid", "started_at", "seen_at", "stopped_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
