from django.urls import path

from bridgehead.conversations import views

urlpatterns = [
    path("", views.thread_list, name="conversation-list"),
    path("<int:pk>/", views.thread_detail, name="conversation-thread"),
    path("<int:pk>/messages/", views.thread_messages, name="conversation-messages"),
    path("<int:pk>/block/", views.block, name="conversation-block"),
    path("<int:pk>/unblock/", views.unblock, name="conversation-unblock"),
    path("request/<int:pk>/", views.open_for_request, name="conversation-request"),
    path("meeting/<int:pk>/", views.open_for_meeting, name="conversation-meeting"),
    path("participant/<int:pk>/", views.open_for_participant, name="conversation-participant"),
    path("application/<int:pk>/", views.open_for_application, name="conversation-application"),
    path("outcome/<int:pk>/", views.open_for_outcome, name="conversation-outcome"),
    path("message/<int:pk>/report/", views.report, name="conversation-report"),
    path("message/<int:pk>/hide/", views.hide, name="conversation-hide"),
    path("attachment/<int:pk>/", views.attachment_download, name="conversation-attachment"),
    path("reports/", views.reports, name="conversation-reports"),
    path("reports/<int:pk>/dismiss/", views.dismiss, name="conversation-dismiss"),
]
