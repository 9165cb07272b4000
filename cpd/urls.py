"""HTML routes of cpd, mounted under /t/<trust_slug>/ (namespace "cpd")."""

from django.urls import path

from . import views

app_name = "cpd"
urlpatterns: list = [
    path("cpd/", views.dashboard, name="dashboard"),
    path("cpd/programmes/", views.programme_list, name="programme_list"),
    path("cpd/programmes/new/", views.programme_create, name="programme_create"),
    path("cpd/programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("cpd/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("cpd/programmes/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("cpd/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("cpd/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("cpd/sessions/<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path("cpd/sessions/<int:pk>/register/", views.session_register, name="session_register"),
    path("cpd/sessions/<int:pk>/evaluate/", views.session_evaluate, name="session_evaluate"),
    path("cpd/npqs/", views.npq_list, name="npq_list"),
    path("cpd/npqs/new/", views.npq_create, name="npq_create"),
    path("cpd/npqs/<int:pk>/edit/", views.npq_edit, name="npq_edit"),
]
