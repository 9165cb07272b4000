"""API routes of visits, mounted under /api/v1/t/<trust_slug>/ (namespace "visits_api")."""

from django.urls import path

from . import api

app_name = "visits_api"
urlpatterns = [
    path("visits/", api.VisitListAPI.as_view(), name="visit-list"),
    path("visits/<int:pk>/", api.VisitDetailAPI.as_view(), name="visit-detail"),
    path("actions/", api.ActionListAPI.as_view(), name="action-list"),
    path("actions/<int:pk>/", api.ActionDetailAPI.as_view(), name="action-detail"),
    path("visit-programme/", api.ProgrammeListAPI.as_view(), name="programme-list"),
]
