from django.urls import path

from bridgehead.programs import views

urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("my/", views.my_work, name="my-work"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit_by_pk, name="call-edit"),
    path("calls/<int:pk>/form/", views.form_builder, name="call-form"),
    path("calls/<int:pk>/form/<int:field_id>/", views.form_builder, name="call-form-field"),
    path("calls/<int:pk>/rubric/", views.rubric, name="call-rubric"),
    path("calls/<int:pk>/rubric/<int:criterion_id>/", views.rubric, name="call-criterion"),
    path("calls/<int:pk>/apply/", views.apply, name="call-apply"),
    path("calls/<int:pk>/assignment/", views.assignment_page, name="call-assignment"),
    path("calls/<int:pk>/assignment/runs/<int:run_id>/", views.run_status, name="call-run-status"),
    path("calls/<int:pk>/ranking/", views.ranking_page, name="call-ranking"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("applications/<int:pk>/files/<slug:key>/", views.application_file, name="application-file"),
    path("applications/<int:pk>/review/", views.review, name="application-review"),
    path("applications/<int:pk>/conflict/", views.declare_conflict, name="application-conflict"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship-detail"),
    path("outbox/<int:pk>/", views.outbox_message, name="outbox-message"),
    path("<slug:slug>/", views.program_detail, name="program-detail"),
    path("<slug:slug>/edit/", views.program_edit, name="program-edit"),
    path("<slug:slug>/calls/new/", views.call_edit, name="call-create"),
    path("<slug:slug>/outbox/", views.outbox, name="program-outbox"),
    path("<slug:slug>/emails/", views.decision_templates, name="decision-templates-default"),
    path("<slug:slug>/emails/<str:outcome>/", views.decision_templates, name="decision-templates"),
]
