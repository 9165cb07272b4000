"""API routes of frameworks, mounted under /api/v1/t/<trust_slug>/ (namespace "frameworks_api")."""

from django.urls import path

from . import api

app_name = "frameworks_api"
urlpatterns = [
    path("frameworks/", api.FrameworkListAPI.as_view(), name="framework-list"),
    path("frameworks/versions/<int:pk>/", api.VersionDetailAPI.as_view(), name="version"),
    path("teacher-judgements/", api.JudgementListAPI.as_view(), name="judgement-list"),
    path(
        "pupils/<str:key>/teacher-judgements/",
        api.PupilHistoryAPI.as_view(),
        name="pupil-history",
    ),
]
