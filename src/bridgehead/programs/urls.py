from django.urls import path

from bridgehead.programs import views

urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("<slug:slug>/", views.program_detail, name="program-detail"),
]
