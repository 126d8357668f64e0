"""Correlation reports: API routes under /api/v1/."""

from rest_framework.routers import DefaultRouter

from correlation import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("correlation-reports", api.CorrelationReportViewSet, basename="correlation-report")

urlpatterns = router.urls
