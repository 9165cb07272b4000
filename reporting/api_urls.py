"""API routes of reporting, mounted under /api/v1/t/<trust_slug>/ (namespace "reporting_api")."""

from django.urls import path  # noqa: F401

app_name = "reporting_api"
urlpatterns: list = []
