from django.urls import path

from bridgehead.outcomes import views

urlpatterns = [
    path("", views.outcome_list, name="outcome-list"),
    path("report/", views.outcome_report, name="outcome-report"),
    path("counterparties/", views.counterparty_options, name="outcome-counterparties"),
    path("<int:pk>/", views.outcome_detail, name="outcome-detail"),
    path("<int:pk>/edit/", views.outcome_edit, name="outcome-edit"),
    path("<int:pk>/evidence/", views.outcome_evidence, name="outcome-evidence"),
    path("<int:pk>/propose/", views.outcome_propose, name="outcome-propose"),
    path("<int:pk>/confirm/", views.outcome_confirm, name="outcome-confirm"),
    path("<int:pk>/delete/", views.outcome_delete, name="outcome-delete"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="outcome-proposal-decide"),
    path("agreements/<slug:key>/", views.dashboard, {"kind": "agreement"}, name="outcomes-agreement"),
    path("programs/<slug:key>/", views.dashboard, {"kind": "program"}, name="outcomes-program"),
    path("cohorts/<str:key>/", views.dashboard, {"kind": "cohort"}, name="outcomes-cohort"),
    path("startups/<slug:key>/", views.dashboard, {"kind": "startup"}, name="outcomes-startup"),
    path("<str:kind>/<str:key>/report.xlsx", views.export_xlsx, name="outcomes-xlsx"),
    path("<str:kind>/<str:key>/report.pdf", views.export_pdf, name="outcomes-pdf"),
    path("<str:kind>/<str:key>/report.docx", views.export_document, {"fmt": "docx"}, name="outcomes-docx"),
    path("<str:kind>/<str:key>/report.hwpx", views.export_document, {"fmt": "hwpx"}, name="outcomes-hwpx"),
    path("<str:kind>/<str:key>/brief/", views.brief_page, name="outcomes-brief"),
    path("programs/<slug:slug>/rates/", views.fx_rates, name="outcomes-fx"),
    path("programs/<slug:slug>/kpis/", views.kpi_list, name="outcomes-kpis"),
    path("programs/<slug:slug>/kpis/<int:pk>/", views.kpi_list, name="outcomes-kpi"),
    path("programs/<slug:slug>/reminders/", views.reminders, name="outcomes-reminders"),
]
