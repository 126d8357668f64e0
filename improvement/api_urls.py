"""Continuous improvement: API routes under /api/v1/."""

from rest_framework.routers import DefaultRouter

from improvement import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("improvement/actions", api.ActionViewSet, basename="improvement-action")
router.register("improvement/trainings", api.TrainingViewSet, basename="improvement-training")
router.register("improvement/suggestions", api.SuggestionViewSet, basename="improvement-suggestion")

urlpatterns = [*router.urls]
