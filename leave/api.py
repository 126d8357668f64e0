"""Leave API: types, holidays, allocations and adjustments, balances, requests and decisions."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination
from employees.models import Role, User
from employees.permissions import ANYONE, allow, employees_visible_to, is_hr
from leave import calendar, selectors, services
from leave.models import DAYS, Holiday, LeaveLedgerEntry, LeavePolicy, LeaveRequest, LeaveType

HR_ONLY = allow(read={Role.HR}, write={Role.HR})


class LeavePolicySerializer(serializers.ModelSerializer):
    is_default = serializers.BooleanField(required=False)  # one default: the service moves it

    class Meta:
        model = LeavePolicy
        fields = ["id", "code", "name", "regime", "work_week", "collective_leave_reduces_annual", "is_default"]
        read_only_fields = ["code", "regime"]
        validators = []


class LeavePolicyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The policies (private sector, PNS): HR edits the name, work week and whether collective
    leave reduces annual leave; `is_default` makes a policy the organisation's default."""

    serializer_class = LeavePolicySerializer
    queryset = LeavePolicy.objects.order_by("id")
    permission_classes = [allow(read=ANYONE, write={Role.HR})]

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        policy = serializer.instance
        if data.pop("is_default", False):
            services.leave_policy_set_default(policy=policy, actor=self.request.user)
        serializer.instance = services.leave_policy_update(policy=policy, actor=self.request.user, **data)


class LeaveTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeaveType
        fields = ["id", "policy", *services.LEAVE_TYPE_FIELDS]
        validators = []  # the (policy, code) uniqueness is the service's (409 from the database)


class LeaveTypeFilter(django_filters.FilterSet):
    class Meta:
        model = LeaveType
        fields = ["policy", "code", "is_active", "tracks_balance"]


class LeaveTypeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """HR reads and edits every policy's types; others read the types of their own policy."""

    serializer_class = LeaveTypeSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_class = LeaveTypeFilter

    def get_queryset(self):
        types = LeaveType.objects.order_by("policy_id", "order", "id")
        if getattr(self, "swagger_fake_view", False):
            return types.none()  # the schema generator: no database reads
        if is_hr(self.request.user):
            return types
        return types.filter(policy=selectors.policy_for(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.leave_type_create(policy=data.pop("policy"), actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("policy", None)
        serializer.instance = services.leave_type_update(
            leave_type=serializer.instance, actor=self.request.user, **data
        )


class HolidaySerializer(serializers.ModelSerializer):
    date = serializers.DateField()  # a second row for a date is a 409 from the service

    class Meta:
        model = Holiday
        fields = ["id", "date", "name", "is_collective_leave", "is_day_off", "source"]
        read_only_fields = ["source"]
        validators = []


class HolidayFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", min_value=1900, max_value=2200)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Holiday
        fields = ["is_collective_leave", "is_day_off", "source"]


class HolidayViewSet(viewsets.ModelViewSet):
    """The calendar's days off (`?year=YYYY`). Reading loads nothing: this year's and next
    year's public holidays are loaded by the daily leave job, other years by a change to them."""

    serializer_class = HolidaySerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_class = HolidayFilter
    queryset = Holiday.objects.order_by("date")

    def perform_create(self, serializer):
        serializer.instance = services.holiday_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.holiday_update(
            holiday=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.holiday_delete(holiday=instance, actor=self.request.user)


def _visible_employee(request, employee_id) -> User:
    """An employee whose leave the caller may read, else 404 (unknown and hidden look alike)."""
    if employee_id in (None, ""):
        return request.user
    try:
        pk = int(employee_id)
    except (TypeError, ValueError):
        raise DrfValidationError({"employee": [_("Give an employee id.")]}) from None
    employee = User.objects.filter(pk=pk).first()
    if employee is None or not selectors.can_view_leave_of(request.user, employee):
        from django.http import Http404

        raise Http404
    return employee


def _year(value) -> int:
    if value in (None, ""):
        return timezone.localdate().year
    if not str(value).isdigit() or not 2000 <= int(value) <= 2100:
        raise DrfValidationError({"year": [_("Give a year between 2000 and 2100.")]})
    return int(value)


class LedgerEntrySerializer(serializers.ModelSerializer):
    employee = serializers.IntegerField(source="balance.employee_id", read_only=True)
    leave_type = serializers.IntegerField(source="balance.leave_type_id", read_only=True)
    year = serializers.IntegerField(source="balance.year", read_only=True)

    class Meta:
        model = LeaveLedgerEntry
        fields = ["id", "employee", "leave_type", "year", "kind", "days", "note", "request", "created_by", "created_at"]


class AllocationSerializer(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    leave_type = serializers.PrimaryKeyRelatedField(
        queryset=LeaveType.objects.all(), error_messages={"does_not_exist": _("Unknown leave type.")}
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    days = serializers.DecimalField(**DAYS)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdjustmentSerializer(AllocationSerializer):
    note = None
    reason = serializers.CharField(max_length=300)


class LedgerListMixin:
    def _ledger(self, request, kind: str | None):
        entries = LeaveLedgerEntry.objects.select_related("balance").order_by("-created_at", "-id")
        if kind:
            entries = entries.filter(kind=kind)
        if "employee" in request.query_params:
            entries = entries.filter(balance__employee=_visible_employee(request, request.query_params["employee"]))
        if "year" in request.query_params:
            entries = entries.filter(balance__year=_year(request.query_params["year"]))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


class AllocationView(LedgerListMixin, APIView):
    """HR grants days: `{employee, leave_type, year, days, note}`."""

    permission_classes = [HR_ONLY]

    pagination_class = Pagination

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    def get(self, request):
        return self._ledger(request, "allocation")

    @extend_schema(request=AllocationSerializer, responses={201: LedgerEntrySerializer})
    def post(self, request):
        serializer = AllocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.leave_allocation_create(actor=request.user, **serializer.validated_data)
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class AdjustmentView(LedgerListMixin, APIView):
    """HR corrects a balance up or down with a reason: `{employee, leave_type, year, days, reason}`."""

    permission_classes = [HR_ONLY]

    pagination_class = Pagination

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    def get(self, request):
        return self._ledger(request, "adjustment")

    @extend_schema(request=AdjustmentSerializer, responses={201: LedgerEntrySerializer})
    def post(self, request):
        serializer = AdjustmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.leave_adjustment_create(actor=request.user, **serializer.validated_data)
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class LedgerView(LedgerListMixin, APIView):
    """Every entry of a person's balances: `?employee=ID&year=YYYY` (self, managers, HR)."""

    permission_classes = [IsAuthenticated]

    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("employee", int), OpenApiParameter("year", int)],
        responses=LedgerEntrySerializer(many=True),
    )
    def get(self, request):
        employee = _visible_employee(request, request.query_params.get("employee"))
        entries = selectors.ledger_for(employee=employee, year=_year(request.query_params.get("year")))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


class BalanceSerializer(serializers.Serializer):
    leave_type = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    tracks_balance = serializers.BooleanField()
    entitled = serializers.DecimalField(**DAYS, allow_null=True)
    used = serializers.DecimalField(**DAYS)
    pending = serializers.DecimalField(**DAYS)
    available = serializers.DecimalField(**DAYS, allow_null=True)


class BalancesView(APIView):
    """`?employee=ID&year=YYYY` (default: yourself, this year) → one row per leave type."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("employee", int), OpenApiParameter("year", int)],
        responses=BalanceSerializer(many=True),
    )
    def get(self, request):
        employee = _visible_employee(request, request.query_params.get("employee"))
        year = _year(request.query_params.get("year"))
        rows = selectors.balances_for(employee=employee, year=year)
        return Response(BalanceSerializer(rows, many=True).data)


class WorkingDaysView(APIView):
    """What a request would count, for the request form: `?leave_type=&start_date=&end_date=
    &half_day=` → `{working_days, day_unit, days_off: [{date, name, is_collective_leave}],
    available}`."""

    permission_classes = [IsAuthenticated]

    class Query(serializers.Serializer):
        leave_type = serializers.PrimaryKeyRelatedField(
            queryset=LeaveType.objects.select_related("policy"),
            error_messages={"does_not_exist": _("Unknown leave type.")},
        )
        start_date = serializers.DateField()
        end_date = serializers.DateField()
        half_day = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            if attrs["end_date"] < attrs["start_date"]:
                raise serializers.ValidationError({"end_date": _("The leave ends before it starts.")})
            if (attrs["end_date"] - attrs["start_date"]).days > 3 * 366:
                raise serializers.ValidationError({"end_date": _("Choose a period of at most three years.")})
            return attrs

    class Answer(serializers.Serializer):
        working_days = serializers.DecimalField(**DAYS)
        day_unit = serializers.CharField()
        days_off = serializers.ListField(child=serializers.DictField())
        available = serializers.DecimalField(**DAYS, allow_null=True)

    @extend_schema(parameters=[Query], responses=Answer)
    def get(self, request):
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        leave_type = data["leave_type"]
        count = calendar.count_days(
            policy=leave_type.policy,
            leave_type=leave_type,
            start=data["start_date"],
            end=data["end_date"],
            half_day=data["half_day"] and leave_type.half_day_allowed,
        )
        available = None
        if leave_type.tracks_balance:
            row = next(
                (
                    row
                    for row in selectors.balances_for(employee=request.user, year=data["start_date"].year)
                    if row["leave_type"] == leave_type.pk
                ),
                None,
            )
            available = str(row["available"]) if row else None
        return Response(
            {
                "working_days": str(count.days),
                "day_unit": leave_type.day_unit,
                "days_off": [
                    {"date": day.date.isoformat(), "name": day.name, "is_collective_leave": day.is_collective_leave}
                    for day in count.skipped
                ],
                "available": available,
            }
        )


class LeaveRequestSerializer(serializers.ModelSerializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    leave_type = serializers.PrimaryKeyRelatedField(
        queryset=LeaveType.objects.select_related("policy"),
        error_messages={"does_not_exist": _("Unknown leave type."), "incorrect_type": _("Unknown leave type.")},
    )
    attachment = serializers.FileField(write_only=True, required=False, allow_null=True)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "employee",
            "leave_type",
            "start_date",
            "end_date",
            "half_day",
            "reason",
            "status",
            "stage",
            "working_days",
            "attachment",
            "has_attachment",
            "rejection_reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["status", "stage", "working_days", "rejection_reason", "created_at", "decided_at"]
        validators = []

    def get_has_attachment(self, instance) -> bool:
        return bool(instance.attachment)


class LeaveRequestFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="start_date", lookup_expr="year", min_value=1900, max_value=2200)
    waiting_for_me = django_filters.BooleanFilter(method="filter_waiting", label=_("waiting for my decision"))

    class Meta:
        model = LeaveRequest
        fields = ["employee", "leave_type", "status", "stage"]

    def filter_waiting(self, queryset, name, value):
        if not value:
            return queryset
        waiting = selectors.approvals_waiting_for(self.request.user).values("pk")
        return queryset.filter(pk__in=waiting)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LeaveRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Employees request for themselves (HR also for others); managers and HR see the requests
    they decide. Decisions: `approve`, `reject` (with a reason), `cancel`."""

    serializer_class = LeaveRequestSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = LeaveRequestFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.requests_visible_to(self.request.user).order_by("-start_date", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        employee = data.pop("employee", None) or self.request.user
        if employee.pk != self.request.user.pk and not employees_visible_to(self.request.user).filter(pk=employee.pk):
            raise DrfValidationError({"employee": [_("Unknown employee.")]})
        serializer.instance = services.leave_request_create(employee=employee, actor=self.request.user, **data)

    def _decided(self, request_obj) -> Response:
        request_obj.refresh_from_db()
        return Response(self.get_serializer(request_obj).data)

    @extend_schema(request=None, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        leave_request = self.get_object()
        return self._decided(services.leave_request_approve(request=leave_request, actor=request.user))

    @extend_schema(request=ReasonSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        leave_request = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = services.leave_request_reject(
            request=leave_request, actor=request.user, reason=body.validated_data["reason"]
        )
        return self._decided(rejected)

    @extend_schema(request=None, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        leave_request = self.get_object()
        return self._decided(services.leave_request_cancel(request=leave_request, actor=request.user))


def attachment_response(request, pk: int):
    """The attachment of a request the caller may see (never a public media URL)."""
    from django.http import FileResponse, Http404

    leave_request = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
    if not leave_request.attachment:
        raise Http404
    return FileResponse(leave_request.attachment.open("rb"), as_attachment=True)
