"""HTML routes of visits, mounted under /t/<trust_slug>/ (namespace "visits")."""

from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("visits/", views.visit_list, name="list"),
    path("visits/programme/", views.programme, name="programme"),
    path("visits/programme/<int:pk>/", views.programme_entry_edit, name="programme_entry"),
    path(
        "visits/programme/planned/<int:pk>/start/",
        views.planned_visit_start,
        name="planned_start",
    ),
    path("visits/calendar/", views.visit_calendar, name="calendar"),
    path("visits/types/", views.visit_types, name="types"),
    path("visits/new/", views.visit_create, name="create"),
    path("visits/<int:pk>/", views.visit_detail, name="detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="edit"),
    path("visits/<int:pk>/autosave/", views.visit_autosave, name="autosave"),
    path("visits/<int:pk>/actions/", views.action_add, name="action_add"),
    path("visits/<int:pk>/respond/", views.visit_respond, name="respond"),
    path("visits/<int:pk>/note.pdf", views.visit_pdf, name="pdf"),
    path("visits/actions/<int:pk>/status/", views.action_status, name="action_status"),
]
