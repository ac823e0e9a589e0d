from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bridgehead.agreements import views as agreement_views
from bridgehead.api.urls import api
from bridgehead.core import views as core_views
from bridgehead.programs import views as program_views
from bridgehead.registry import views as registry_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("language/", core_views.set_language, name="set-language"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/preferences/", core_views.preferences, name="preferences"),
    path("accounts/tokens/", core_views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", core_views.revoke_api_token, name="api-token-revoke"),
    path("clusters/", registry_views.cluster_list, name="cluster-list"),
    path("clusters/<slug:slug>/", registry_views.cluster_detail, name="cluster-detail"),
    path("organisations/", registry_views.organisation_list, name="organisation-list"),
    path("organisations/new/", registry_views.organisation_edit, name="organisation-create"),
    path("organisations/<slug:slug>/", registry_views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", registry_views.organisation_edit, name="organisation-edit"),
    path("people/<int:pk>/", registry_views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", registry_views.person_edit, name="person-edit"),
    path("import/<str:kind>/", registry_views.import_upload, name="import-upload"),
    path("import/batch/<int:pk>/", registry_views.import_preview, name="import-preview"),
    path("import/batch/<int:pk>/commit/", registry_views.import_commit, name="import-commit"),
    path("export/<str:kind>.<str:file_format>", registry_views.export, name="export"),
    path("agreements/", agreement_views.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", agreement_views.agreement_detail, name="agreement-detail"),
    path("programs/", program_views.program_list, name="program-list"),
    path("programs/<slug:slug>/", program_views.program_detail, name="program-detail"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
