"""Pulse surveys: API routes under /api/v1/."""

from rest_framework.routers import DefaultRouter

from pulse_surveys import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("pulse/drivers", api.DriverViewSet, basename="pulse-driver")
router.register("pulse/questions", api.QuestionViewSet, basename="pulse-question")
router.register("pulse/surveys", api.SurveyViewSet, basename="pulse-survey")
router.register("pulse/rounds", api.RoundViewSet, basename="pulse-round")

urlpatterns = router.urls
