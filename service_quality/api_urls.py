"""Service quality: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from service_quality import api, collection_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("service-quality/imports", api.ScoreImportViewSet, basename="service-quality-import")
router.register("service-quality/scores", api.ExternalScoreViewSet, basename="service-quality-score")
router.register("service-quality/collections", collection_api.SkmCollectionViewSet, basename="skm-collection")
router.register("service-quality/conflicts", collection_api.ScoreConflictViewSet, basename="skm-conflict")

urlpatterns = [
    path("service-quality/ikm/", api.IkmView.as_view(), name="service-quality-ikm"),
    path(
        "public/skm/<str:token>/responses/",
        collection_api.PublicResponseView.as_view(),
        name="skm-public-responses",
    ),
    *router.urls,
]
