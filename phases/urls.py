"""HTML routes of phases, mounted under /t/<trust_slug>/ (namespace "phases")."""

from django.urls import path

from . import views

app_name = "phases"
urlpatterns = [
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/my-school/", views.heatmap_own, name="own"),
    path("heatmap/cells/<str:urn>/<str:column>/", views.heatmap_cell, name="cell"),
    path("support-matching/", views.support_matching, name="matching"),
    path("support-matching/arrangements/", views.arrangement_create, name="arrangement_create"),
    path(
        "support-matching/arrangements/<int:pk>/end/",
        views.arrangement_end,
        name="arrangement_end",
    ),
    path("phases/settings/", views.phase_settings, name="settings"),
    path("placements/", views.placement_list, name="list"),
    path("how-placements-are-decided/", views.casebook, name="casebook"),
    path("placements/recompute/", views.recompute, name="recompute"),
    path("placements/recompute/status/", views.recompute_status, name="recompute_status"),
    path("placements/<str:urn>/", views.placement_detail, name="detail"),
    path("placements/decisions/<int:pk>/", views.placement_decide, name="decide"),
    path(
        "placements/<str:urn>/terms/<str:term>/complete/",
        views.term_complete,
        name="term_complete",
    ),
]
