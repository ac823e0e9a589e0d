from django.urls import path

from bridgehead.partnering import views

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("new/", views.event_edit, name="event-create"),
    path("<slug:slug>/", views.event_detail, name="event-detail"),
    path("<slug:slug>/edit/", views.event_edit, name="event-edit"),
    path("<slug:slug>/publish/", views.event_publish, name="event-publish"),
    path("<slug:slug>/participants/", views.participants, name="event-participants"),
    path("<slug:slug>/recommendations/refresh/", views.refresh_recommendations, name="event-refresh-recommendations"),
    path("<slug:slug>/me/", views.my_profile, name="event-me"),
    path("<slug:slug>/me/availability/", views.availability, name="event-availability"),
    path("<slug:slug>/me/calendar/renew/", views.rotate_calendar_token, name="event-calendar-rotate"),
    path(
        "<slug:slug>/participants/<int:participant_id>/calendar/renew/",
        views.rotate_calendar_token,
        name="event-calendar-rotate-of",
    ),
    path("<slug:slug>/recommendations/", views.recommendations, name="event-recommendations"),
    path("<slug:slug>/request/<int:participant_id>/", views.send_request, name="event-send-request"),
    path("<slug:slug>/requests/", views.requests_page, name="event-requests"),
    path("<slug:slug>/agenda/", views.agenda, name="event-agenda"),
    path("<slug:slug>/agenda/<int:participant_id>/", views.agenda, name="event-agenda-of"),
    path("<slug:slug>/agenda.ics", views.agenda_ics, name="event-agenda-ics"),
    path("<slug:slug>/schedule/", views.schedule, name="event-schedule"),
    path("<slug:slug>/table-plan/", views.table_plan, name="event-table-plan"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request-action"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("runs/<int:pk>/<str:action>/", views.run_action, name="run-action"),
    path("meetings/<int:pk>/<str:action>/", views.meeting_action, name="meeting-action"),
]
