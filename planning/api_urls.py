"""API routes of planning, mounted under /api/v1/t/<trust_slug>/ (namespace "planning_api")."""

from django.urls import path

from . import api

app_name = "planning_api"
urlpatterns: list = [
    path("sefs/", api.SefViewSet.as_view({"get": "list"}), name="sef-list"),
    path("plans/", api.PlanViewSet.as_view({"get": "list", "post": "create"}), name="plan-list"),
    path("plans/<int:pk>/priorities/", api.PriorityCreateAPI.as_view(), name="plan-priorities"),
    path("priorities/<int:pk>/", api.PriorityDetailAPI.as_view(), name="priority-detail"),
    path(
        "priorities/<int:pk>/reviews/", api.ReviewListCreateAPI.as_view(), name="priority-reviews"
    ),
    path("plans/<int:pk>/", api.PlanViewSet.as_view({"get": "retrieve"}), name="plan-detail"),
    path("risks/", api.RiskViewSet.as_view({"get": "list", "post": "create"}), name="risk-list"),
    path(
        "risks/<int:pk>/",
        api.RiskViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="risk-detail",
    ),
]
