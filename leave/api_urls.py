"""Leave: API routes under /api/v1/leave/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from leave import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("leave/policies", api.LeavePolicyViewSet, basename="leave-policy")
router.register("leave/types", api.LeaveTypeViewSet, basename="leave-type")
router.register("leave/holidays", api.HolidayViewSet, basename="leave-holiday")
router.register("leave/requests", api.LeaveRequestViewSet, basename="leave-request")

urlpatterns = [
    path("leave/allocations/", api.AllocationView.as_view(), name="leave-allocations"),
    path("leave/adjustments/", api.AdjustmentView.as_view(), name="leave-adjustments"),
    path("leave/balances/", api.BalancesView.as_view(), name="leave-balances"),
    path("leave/ledger/", api.LedgerView.as_view(), name="leave-ledger"),
    path("leave/working-days/", api.WorkingDaysView.as_view(), name="leave-working-days"),
    *router.urls,
]
