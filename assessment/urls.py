"""HTML routes of assessment, mounted under /t/<trust_slug>/ (namespace "assessment")."""

from django.urls import path  # noqa: F401

app_name = "assessment"
urlpatterns: list = []
