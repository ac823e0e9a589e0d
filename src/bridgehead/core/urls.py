from django.contrib.auth import views as auth_views
from django.urls import include, path

from bridgehead.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set-language"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_api_token, name="api-token-revoke"),
]
