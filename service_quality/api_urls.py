"""Service quality: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from service_quality import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("service-quality/imports", api.ScoreImportViewSet, basename="service-quality-import")
router.register("service-quality/scores", api.ExternalScoreViewSet, basename="service-quality-score")

urlpatterns = [
    path("service-quality/ikm/", api.IkmView.as_view(), name="service-quality-ikm"),
    *router.urls,
]
