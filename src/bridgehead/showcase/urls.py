from django.urls import path, register_converter

from bridgehead.showcase import views


class LanguageConverter:
    """The page's language is part of its address (``/showcase/ko/…``), so each version has its own URL."""

    regex = "ko|en"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "lang")

urlpatterns = [
    path("", views.start, name="showcase-start"),
    path("<lang:lang>/", views.home, name="showcase-home"),
    path("<lang:lang>/agreements/<slug:slug>/", views.agreement, name="showcase-agreement"),
    path("<lang:lang>/programs/<slug:slug>/", views.program, name="showcase-program"),
    path("<lang:lang>/events/<slug:slug>/", views.event, name="showcase-event"),
    path("manage/events/<slug:slug>/invitations/", views.invitations, name="showcase-invitations"),
    path("manage/invitations/<int:pk>/handled/", views.invitation_handled, name="showcase-invitation-handled"),
]
