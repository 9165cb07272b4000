"""HTML routes of academies, mounted under /t/<trust_slug>/ (namespace "academies")."""

from django.urls import path

from . import views

app_name = "academies"
urlpatterns = [
    path("academies/", views.academy_list, name="list"),
    path("academies/new/", views.academy_create, name="create"),
    path("academies/import/", views.academy_import, name="import"),
    path("academies/import-ofsted/", views.ofsted_import, name="ofsted_import"),
    path("academies/<str:urn>/", views.academy_detail, name="detail"),
    path("academies/<str:urn>/edit/", views.academy_edit, name="edit"),
    path("academies/<str:urn>/inspections/new/", views.inspection_create, name="inspection_create"),
]
