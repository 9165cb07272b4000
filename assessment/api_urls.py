"""API routes of assessment, mounted under /api/v1/t/<trust_slug>/ (namespace "assessment_api")."""

from django.urls import path

from . import api

app_name = "assessment_api"
urlpatterns = [
    path("uploads/", api.UploadListAPI.as_view(), name="upload-list"),
    path("uploads/<int:pk>/", api.UploadDetailAPI.as_view(), name="upload-detail"),
    path("uploads/<int:pk>/confirm/", api.UploadConfirmAPI.as_view(), name="upload-confirm"),
]
