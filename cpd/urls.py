"""HTML routes of cpd, mounted under /t/<trust_slug>/ (namespace "cpd")."""

from django.urls import path

from . import views

app_name = "cpd"
urlpatterns: list = [
    path("cpd/", views.dashboard, name="dashboard"),
    path("cpd/programmes/", views.programme_list, name="programme_list"),
    path("cpd/programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("cpd/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("cpd/npqs/", views.npq_list, name="npq_list"),
]
