from django.contrib import admin

from bridgehead.partnering.models import (
    Block,
    Event,
    EventSession,
    Feedback,
    Meeting,
    MeetingRequest,
    Participant,
    ScheduleRun,
    Slot,
)


class SessionInline(admin.TabularInline):
    model = EventSession
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_ko", "program", "time_zone", "status")
    inlines = [SessionInline]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("event", "starts_at", "ends_at", "tables")
    list_filter = ("event",)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "event", "kind", "attendance")
    list_filter = ("event", "kind", "attendance")
    raw_id_fields = ("person", "organisation")
    exclude = ("unavailable",)


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ("sender", "recipient", "status", "created_at")
    list_filter = ("event", "status")
    raw_id_fields = ("sender", "recipient")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("first", "second", "slot", "table", "status", "pinned")
    list_filter = ("event", "status")
    raw_id_fields = ("request", "first", "second", "slot")


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ("event", "status", "created_at", "finished_at", "published_at")
    readonly_fields = ("stats", "progress", "solver_progress", "error")
    exclude = ("solution", "diagnostics")


admin.site.register(Block)
admin.site.register(Feedback)
