from django.urls import path

from bridgehead.agreements import views

urlpatterns = [
    path("", views.agreement_list, name="agreement-list"),
    path("<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("<slug:slug>/document/", views.agreement_document, name="agreement-document"),
]
