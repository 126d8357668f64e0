"""Service quality: pages."""

from django.urls import path

from service_quality import collection_views, views

app_name = "service_quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("scores/", views.score_list, name="scores"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("collections/", collection_views.collection_list, name="collections"),
    path("collections/<int:pk>/", collection_views.collection_detail, name="collection"),
    path("collections/<int:pk>/poster.pdf", collection_views.collection_poster, name="collection_poster"),
    path("collections/<int:pk>/visit-codes.pdf", collection_views.collection_codes, name="collection_codes"),
    path("collections/<int:pk>/report.pdf", collection_views.collection_report, name="collection_report"),
    path(
        "collections/<int:pk>/suggestions.csv",
        collection_views.collection_suggestions_csv,
        name="collection_suggestions_csv",
    ),
    path("collections/<int:pk>/actions/", collection_views.collection_action, name="collection_action"),
    path(
        "collections/<int:pk>/suggestions/<int:response_pk>/action/",
        collection_views.suggestion_to_action,
        name="collection_suggestion_action",
    ),
]
