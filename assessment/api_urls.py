"""API routes of assessment, mounted under /api/v1/t/<trust_slug>/ (namespace "assessment_api")."""

from django.urls import path  # noqa: F401

app_name = "assessment_api"
urlpatterns: list = []
