from django.urls import path

from bridgehead.registry import views

urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_edit, name="organisation-create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<slug:slug>/members/", views.organisation_members, name="organisation-members"),
    path(
        "organisations/<slug:slug>/public-listing/<str:action>/",
        views.organisation_listing_consent,
        name="organisation-listing-consent",
    ),
    path("organisations/<slug:slug>/join/", views.organisation_join, name="organisation-join"),
    path("memberships/<int:pk>/<str:action>/", views.membership_action, name="membership-action"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("import/<str:kind>/", views.import_upload, name="import-upload"),
    path("import/batch/<int:pk>/", views.import_preview, name="import-preview"),
    path("import/batch/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("export/<str:kind>.<str:file_format>", views.export, name="export"),
]
