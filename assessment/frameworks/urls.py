"""HTML routes of frameworks, mounted under /t/<trust_slug>/ (namespace "frameworks")."""

from django.urls import path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/new/", views.framework_start, name="start"),
    path("frameworks/versions/<int:pk>/", views.version_detail, name="version"),
    path("frameworks/versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("frameworks/versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("frameworks/versions/<int:pk>/new-draft/", views.version_new_draft, name="new_draft"),
    path("frameworks/versions/<int:pk>/import/", views.version_import, name="import"),
    path("frameworks/versions/<int:pk>/export.csv", views.version_export, name="export"),
    path("frameworks/versions/<int:pk>/statements/", views.statement_add, name="statement_add"),
    path(
        "frameworks/versions/<int:pk>/statements/<int:statement_pk>/",
        views.statement_edit,
        name="statement",
    ),
    path(
        "frameworks/versions/<int:pk>/statements/<int:statement_pk>/remove/",
        views.statement_remove,
        name="statement_remove",
    ),
    path("judgements/grid/", views.grid, name="grid"),
    path("judgements/grid/save/", views.grid_save, name="grid_save"),
    path("judgements/<int:pk>/pieces/", views.pieces, name="pieces"),
    path("judgements/pieces/<int:pk>/", views.piece_download, name="piece"),
    path("judgements/pupils/<str:key>/", views.pupil_history, name="pupil_history"),
]
