"""HTML routes of reporting, mounted under /t/<trust_slug>/ (namespace "reporting")."""

from django.urls import path  # noqa: F401

app_name = "reporting"
urlpatterns: list = []
