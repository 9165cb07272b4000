"""API routes of academies, mounted under /api/v1/t/<trust_slug>/ (namespace "academies_api")."""

from django.urls import path

from . import api

app_name = "academies_api"
urlpatterns = [
    path("academies/", api.AcademyListAPI.as_view(), name="academy-list"),
    path("academies/<str:urn>/", api.AcademyDetailAPI.as_view(), name="academy-detail"),
    path(
        "academies/<str:urn>/inspections/", api.InspectionListAPI.as_view(), name="inspection-list"
    ),
]
