"""HTML routes of partnerships, mounted under /t/<trust_slug>/ (namespace "partnerships")."""

from django.urls import path  # noqa: F401

app_name = "partnerships"
urlpatterns: list = []
