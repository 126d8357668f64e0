"""Rewards and bonuses: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from rewards import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rewards/recognitions", api.RecognitionViewSet, basename="recognition")
router.register("rewards/catalogue", api.RewardViewSet, basename="reward")
router.register("rewards/redemptions", api.RedemptionViewSet, basename="redemption")
router.register("rewards/budgets", api.BudgetViewSet, basename="bonus-budget")
router.register("rewards/bonuses", api.BonusViewSet, basename="bonus")

urlpatterns = [
    path("rewards/points/", api.PointsView.as_view(), name="rewards-points"),
    path("rewards/thr/preview/", api.ThrPreviewView.as_view(), name="rewards-thr-preview"),
    path("rewards/thr/create/", api.ThrCreateView.as_view(), name="rewards-thr-create"),
    *router.urls,
]
