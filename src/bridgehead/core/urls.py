from django.contrib.auth import views as auth_views
from django.urls import include, path

from bridgehead.core import views

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (PDF viewers, raw API responses).
    path("favicon.ico", views.favicon),
    path("language/", views.set_language, name="set-language"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/password_reset/", views.ThrottledPasswordReset.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_api_token, name="api-token-revoke"),
    path("accounts/my-data/", views.my_data, name="my-data"),
    path("accounts/my-data/download/", views.my_data_download, name="my-data-download"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.inbox_badge, name="inbox-badge"),
    path("inbox/read-all/", views.mark_all_notifications_read, name="inbox-read-all"),
    path("inbox/<int:pk>/", views.open_notification, name="notification-open"),
]
