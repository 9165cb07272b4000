"""HTML routes of academies, mounted under /t/<trust_slug>/ (namespace "academies")."""

from django.urls import path

from . import views

app_name = "academies"
urlpatterns = [
    path("academies/", views.academy_list, name="list"),
    path("academies/<str:urn>/", views.academy_detail, name="detail"),
]
