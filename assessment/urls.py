"""HTML routes of assessment, mounted under /t/<trust_slug>/ (namespace "assessment")."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("uploads/", views.upload_list, name="upload_list"),
    path("uploads/new/", views.upload_new, name="upload_new"),
    path("uploads/templates/<str:kind>.<str:fmt>", views.upload_template, name="upload_template"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/errors.csv", views.upload_errors_csv, name="upload_errors"),
    path("uploads/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("uploads/<int:pk>/restore/", views.upload_restore, name="upload_restore"),
    path("uploads/<int:pk>/mapping/", views.upload_mapping, name="upload_mapping"),
]
