from django.contrib import admin

from bridgehead.programs.models import Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_ko", "agreement", "starts_on", "ends_on")
    search_fields = ("title_en", "title_ko")
    filter_horizontal = ("commitments", "operators")
