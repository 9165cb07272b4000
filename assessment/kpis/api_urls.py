"""API routes of kpis, mounted under /api/v1/t/<trust_slug>/ (namespace "kpis_api")."""

from django.urls import path

from . import api

app_name = "kpis_api"
urlpatterns = [
    path("kpis/", api.KpiFigureListAPI.as_view(), name="kpi-figure-list"),
    path("kpis/targets/", api.KpiTargetListAPI.as_view(), name="kpi-target-list"),
    path("kpis/targets/<int:pk>/", api.KpiTargetDetailAPI.as_view(), name="kpi-target-detail"),
    path(
        "kpis/<str:urn>/transitions/", api.TransitionMatrixAPI.as_view(), name="transition-matrix"
    ),
    path("kpis/<str:urn>/forecasts/", api.ForecastListAPI.as_view(), name="forecast-list"),
    path("published-results/", api.PublishedResultListAPI.as_view(), name="published-result-list"),
]
