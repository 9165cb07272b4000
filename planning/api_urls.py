"""API routes of planning, mounted under /api/v1/t/<trust_slug>/ (namespace "planning_api")."""

from django.urls import path

from . import api

app_name = "planning_api"
urlpatterns: list = [
    path("sefs/", api.SefViewSet.as_view({"get": "list"}), name="sef-list"),
    path("plans/", api.PlanViewSet.as_view({"get": "list"}), name="plan-list"),
    path("plans/<int:pk>/", api.PlanViewSet.as_view({"get": "retrieve"}), name="plan-detail"),
    path("risks/", api.RiskViewSet.as_view({"get": "list"}), name="risk-list"),
    path("risks/<int:pk>/", api.RiskViewSet.as_view({"get": "retrieve"}), name="risk-detail"),
]
