"""API routes of phases, mounted under /api/v1/t/<trust_slug>/ (namespace "phases_api")."""

from django.urls import path

from . import api

app_name = "phases_api"
urlpatterns = [
    path("placements/", api.PlacementListAPI.as_view(), name="placement-list"),
    path(
        "placements/<str:urn>/history/", api.PlacementHistoryAPI.as_view(), name="placement-history"
    ),
    path("judgements/", api.JudgementListAPI.as_view(), name="judgement-list"),
    path("heatmap/", api.HeatmapAPI.as_view(), name="heatmap"),
    path("support-arrangements/", api.ArrangementListAPI.as_view(), name="arrangement-list"),
]
