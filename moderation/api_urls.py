"""API routes of moderation, mounted under /api/v1/t/<trust_slug>/ (namespace "moderation_api")."""

from django.urls import path

from . import api

app_name = "moderation_api"
urlpatterns = [
    path("moderation/", api.RoundListAPI.as_view(), name="round-list"),
    path("moderation/<int:pk>/", api.RoundDetailAPI.as_view(), name="round"),
    path("moderation/<int:pk>/queue/", api.ReviewQueueAPI.as_view(), name="review-queue"),
    path(
        "moderation/<int:pk>/pieces/<int:number>/review/",
        api.ReviewSubmitAPI.as_view(),
        name="review-submit",
    ),
]
