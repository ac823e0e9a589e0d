from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from bridgehead.core.models import ApiToken, RoleAssignment, User
from bridgehead.core.workers import WorkerHeartbeat


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class BridgeheadUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (_("Preferences"), {"fields": ("display_name", "language", "time_zone")}))
    list_display = ("username", "display_name", "email", "language", "time_zone", "is_active")
    inlines = [RoleInline]


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
