"""HTML routes of frameworks, mounted under /t/<trust_slug>/ (namespace "frameworks")."""

from django.urls import path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/versions/<int:pk>/", views.version_detail, name="version"),
    path("judgements/grid/", views.grid, name="grid"),
    path("judgements/grid/save/", views.grid_save, name="grid_save"),
]
