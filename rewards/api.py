"""Rewards and bonuses API: recognitions, points, the reward catalogue, budgets, bonuses, THR."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.csv_files import csv_response
from core.money import MONEY_MAX_DIGITS
from core.periods import Period, PeriodSerializerField
from employees.models import Department, Role, User
from employees.permissions import ANYONE, allow, employees_visible_to, subtree_ids
from rewards import selectors, services
from rewards.models import (
    Bonus,
    BonusBudget,
    BonusKind,
    BonusStatus,
    BonusTransition,
    Recognition,
    RecognitionReason,
    Redemption,
    Reward,
)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2, **kwargs)


class PeriodFilter(django_filters.CharFilter):
    """`?period=YYYY-MM`; anything else is a 400 with the field named."""

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            period = Period.parse(value)
        except ValidationError as error:
            raise ValidationError({self.field_name: error.messages}) from None
        return qs.filter(**{self.field_name: period.first_day})


# --- Recognitions and points.


class RecognitionSerializer(serializers.ModelSerializer):
    recipient = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    dimension = serializers.ChoiceField(choices=RecognitionReason.choices)
    points = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    message = serializers.CharField(max_length=1000)
    giver_name = serializers.SerializerMethodField()
    recipient_name = serializers.SerializerMethodField()
    period = PeriodSerializerField(read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "giver",
            "giver_name",
            "recipient",
            "recipient_name",
            "department",
            "dimension",
            "message",
            "points",
            "period",
            "created_at",
        ]
        read_only_fields = ["giver", "department", "created_at"]

    def get_giver_name(self, obj) -> str:
        return str(obj.giver)

    def get_recipient_name(self, obj) -> str:
        return str(obj.recipient)


class RecognitionFilter(django_filters.FilterSet):
    period = PeriodFilter(field_name="period")

    class Meta:
        model = Recognition
        fields = ["department", "recipient", "giver", "dimension"]


class LeaderboardRowSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="recipient_id")
    name = serializers.SerializerMethodField()
    department = serializers.CharField(source="recipient__department__name", allow_null=True)
    count = serializers.IntegerField()
    points = serializers.IntegerField()

    def get_name(self, row) -> str:
        full = f"{row['recipient__first_name']} {row['recipient__last_name']}".strip()
        return full or row["recipient__username"]


class RecognitionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Everyone reads the wall and recognises colleagues (never themselves)."""

    serializer_class = RecognitionSerializer
    permission_classes = [allow(read=ANYONE, write=ANYONE)]
    filterset_class = RecognitionFilter

    def get_queryset(self):
        return selectors.recognition_list()

    def perform_create(self, serializer):
        serializer.instance = services.recognition_create(giver=self.request.user, **serializer.validated_data)

    @extend_schema(responses=LeaderboardRowSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def leaderboard(self, request):
        """`?period=YYYY-MM` (default: this month) and optional `department=ID` (its subtree)."""
        period = Period.parse(request.query_params.get("period") or str(Period.of(timezone.localdate())))
        department_ids = None
        if request.query_params.get("department"):
            department = _department_or_400(request.query_params["department"])
            department_ids = subtree_ids(department)
        rows = selectors.recognition_leaderboard(
            period_from=period.first_day, period_to=period.first_day, department_ids=department_ids
        )
        return Response(LeaderboardRowSerializer(rows, many=True).data)


def _department_or_400(value) -> Department:
    department = Department.objects.filter(pk=value).first() if str(value).isdigit() else None
    if department is None:
        raise ValidationError({"department": [_("Unknown department.")]})
    return department


class PointsSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    allowance = serializers.IntegerField()
    allowance_used = serializers.IntegerField()
    allowance_remaining = serializers.IntegerField()


class PointsView(APIView):
    """The signed-in person's points balance and what is left of this month's allowance."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PointsSerializer)
    def get(self, request):
        summary = selectors.points_summary(employee=request.user, today=timezone.localdate())
        return Response(PointsSerializer(summary).data)


class RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ["id", "name", "description", "kind", "points_cost", "leave_days", "is_active"]


class RewardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue: HR keeps it; everyone reads what is available."""

    serializer_class = RewardSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return selectors.reward_list(viewer=self.request.user).order_by("points_cost", "id")

    def perform_create(self, serializer):
        serializer.instance = services.reward_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.reward_update(
            reward=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class RedemptionSerializer(serializers.ModelSerializer):
    reward = serializers.PrimaryKeyRelatedField(queryset=Reward.objects.filter(is_active=True))

    class Meta:
        model = Redemption
        fields = ["id", "employee", "reward", "points", "created_at", "fulfilled_at"]
        read_only_fields = ["employee", "points", "created_at", "fulfilled_at"]


class RedemptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Spend own points; HR sees every redemption and hands vouchers over."""

    serializer_class = RedemptionSerializer
    permission_classes = [allow(read=ANYONE, write=ANYONE)]
    filterset_fields = ["employee", "reward"]

    def get_queryset(self):
        return selectors.redemption_list(viewer=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.redemption_create(
            employee=self.request.user, reward=serializer.validated_data["reward"]
        )

    @extend_schema(request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[allow(write={Role.HR})])
    def fulfil(self, request, pk=None):
        redemption = services.redemption_fulfil(redemption=self.get_object(), actor=request.user)
        return Response(self.get_serializer(redemption).data)


# --- Budgets.


class BudgetSerializer(serializers.ModelSerializer):
    amount = _money(min_value=0)
    committed = _money(read_only=True)
    pending = _money(read_only=True)
    remaining = serializers.SerializerMethodField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    class Meta:
        model = BonusBudget
        fields = ["id", "department", "year", "amount", "committed", "pending", "remaining"]
        validators = []  # a duplicate department and year is a 409 from the service

    def get_remaining(self, obj) -> str:
        return str(obj.amount - obj.committed)

    def validate(self, attrs):
        if self.instance is not None:
            # A budget belongs to one department and year; only its amount changes.
            attrs = {"amount": attrs.get("amount", self.instance.amount)}
        return attrs


class BudgetFilter(django_filters.FilterSet):
    class Meta:
        model = BonusBudget
        fields = ["department", "year"]


class BudgetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """HR: yearly bonus budgets per department, with what is committed and what remains."""

    serializer_class = BudgetSerializer
    permission_classes = [allow(read={Role.HR}, write={Role.HR})]
    filterset_class = BudgetFilter

    def get_queryset(self):
        return selectors.budget_list()

    def _annotated(self, budget):
        return self.get_queryset().get(pk=budget.pk)

    def perform_create(self, serializer):
        budget = services.budget_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self._annotated(budget)

    def perform_update(self, serializer):
        budget = services.budget_update(
            budget=serializer.instance, actor=self.request.user, amount=serializer.validated_data["amount"]
        )
        serializer.instance = self._annotated(budget)


# --- Bonuses.


class BonusTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = BonusTransition
        fields = ["from_status", "to_status", "actor", "at", "note"]


class VisibleEmployeeField(serializers.PrimaryKeyRelatedField):
    """An active employee whom the requester may see. Anyone else is answered as an unknown id
    (400), so that a manager cannot tell another team's people from ids that do not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        people = User.objects.filter(is_active=True)
        return people if request is None else employees_visible_to(request.user, people)


class BonusSerializer(serializers.ModelSerializer):
    employee = VisibleEmployeeField()
    kind = serializers.ChoiceField(choices=BonusKind.choices)
    amount = _money()
    period = PeriodSerializerField()
    employee_name = serializers.SerializerMethodField()
    transitions = BonusTransitionSerializer(many=True, read_only=True)
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Bonus
        fields = [
            "id",
            "employee",
            "employee_name",
            "department",
            "kind",
            "amount",
            "period",
            "reason",
            "status",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "paid_at",
            "transitions",
            "submit",
        ]
        read_only_fields = ["department", "status", "created_by", "created_at", "decided_by", "decided_at", "paid_at"]

    def get_employee_name(self, obj) -> str:
        return str(obj.employee)


class BonusFilter(django_filters.FilterSet):
    period = PeriodFilter(field_name="period")

    class Meta:
        model = Bonus
        fields = ["employee", "department", "kind", "status", "created_by"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BulkBonusSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    include_subdepartments = serializers.BooleanField(default=False)
    kind = serializers.ChoiceField(choices=[c for c in BonusKind.choices if c[0] != BonusKind.THR])
    period = PeriodSerializerField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    amount = _money(required=False, allow_null=True, default=None)
    percent_of_wage = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    submit = serializers.BooleanField(default=False)


EXPORT_COLUMNS = [
    "employee_number",
    "username",
    "name",
    "department_code",
    "kind",
    "period",
    "amount",
    "status",
    "approved_by",
    "approved_at",
]


class BonusViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """HR creates and decides; a manager proposes for their own team; everyone reads their
    own bonuses. Approve, reject and pay: HR, never the bonus's creator."""

    serializer_class = BonusSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR, Role.MANAGER})]
    filterset_class = BonusFilter

    def get_queryset(self):
        return selectors.bonus_list(viewer=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.bonus_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("submit", None)
        serializer.instance = services.bonus_update(bonus=serializer.instance, actor=self.request.user, **data)

    def _step(self, request, service):
        note = NoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        bonus = service(bonus=self.get_object(), actor=request.user, note=note.validated_data["note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=bonus.pk)).data)

    @extend_schema(request=NoteSerializer, responses=BonusSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, services.bonus_submit)

    @extend_schema(request=NoteSerializer, responses=BonusSerializer)
    @action(detail=True, methods=["post"], permission_classes=[allow(write={Role.HR})])
    def approve(self, request, pk=None):
        return self._step(request, services.bonus_approve)

    @extend_schema(request=NoteSerializer, responses=BonusSerializer)
    @action(detail=True, methods=["post"], permission_classes=[allow(write={Role.HR})])
    def reject(self, request, pk=None):
        return self._step(request, services.bonus_reject)

    @extend_schema(request=NoteSerializer, responses=BonusSerializer)
    @action(detail=True, methods=["post"], permission_classes=[allow(write={Role.HR})])
    def pay(self, request, pk=None):
        return self._step(request, services.bonus_pay)

    @extend_schema(request=BulkBonusSerializer, responses={201: BonusSerializer(many=True)})
    @action(detail=False, methods=["post"], permission_classes=[allow(write={Role.HR})])
    def bulk(self, request):
        """One bonus for every member of a department: a fixed `amount` or `percent_of_wage`."""
        payload = BulkBonusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        created = services.bonus_bulk_create(actor=request.user, **payload.validated_data)
        bonuses = self.get_queryset().filter(pk__in=[bonus.pk for bonus in created]).order_by("id")
        return Response(self.get_serializer(bonuses, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="The payroll file")})
    @action(detail=False, methods=["get"], permission_classes=[allow(read={Role.HR})])
    def export(self, request):
        """The payroll file: `?status=` (default `approved`; comma-separated), `?period=YYYY-MM`,
        `?department=ID`."""
        statuses = [value for value in (request.query_params.get("status") or "approved").split(",") if value]
        unknown = [value for value in statuses if value not in BonusStatus.values]
        if unknown:
            raise ValidationError({"status": [_("Unknown status: %(value)s.") % {"value": ", ".join(unknown)}]})
        period = request.query_params.get("period")
        department = request.query_params.get("department")
        rows = selectors.bonus_export_rows(
            status=statuses,
            period=Period.parse(period).first_day if period else None,
            department_ids=[_department_or_400(department).pk] if department else None,
        )
        return csv_response(
            "prima-bonuses.csv",
            EXPORT_COLUMNS,
            (
                (
                    bonus.employee.employee_number,
                    bonus.employee.username,
                    bonus.employee.get_full_name(),
                    bonus.department.code,
                    bonus.kind,
                    Period.of(bonus.period),
                    bonus.amount,
                    bonus.status,
                    bonus.decided_by.username if bonus.decided_by else "",
                    timezone.localtime(bonus.decided_at).isoformat(timespec="seconds") if bonus.decided_at else "",
                )
                for bonus in rows
            ),
        )


# --- THR.


class ThrRequestSerializer(serializers.Serializer):
    holiday_date = serializers.DateField()
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)


class ThrCreateSerializer(ThrRequestSerializer):
    period = PeriodSerializerField(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(default=True)


class ThrLineSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="employee.pk")
    employee_name = serializers.CharField(source="employee")
    department = serializers.IntegerField(source="employee.department_id")
    hire_date = serializers.DateField(source="employee.hire_date")
    monthly_wage = _money(source="employee.monthly_wage")
    months_of_service = serializers.IntegerField()
    amount = _money()


def _thr_departments(department: Department | None):
    return subtree_ids(department) if department is not None else None


class ThrPreviewView(APIView):
    """HR: what everyone is owed for a holiday (Permenaker 6/2016), before creating it."""

    permission_classes = [allow(read={Role.HR}, write={Role.HR})]

    @extend_schema(request=ThrRequestSerializer, responses=ThrLineSerializer(many=True))
    def post(self, request):
        payload = ThrRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        lines = selectors.thr_preview(
            holiday_date=payload.validated_data["holiday_date"],
            department_ids=_thr_departments(payload.validated_data.get("department")),
        )
        return Response(ThrLineSerializer(lines, many=True).data)


class ThrCreateView(APIView):
    """HR: creates THR bonuses for everyone eligible, in one transaction (submitted for
    approval by someone else in HR)."""

    permission_classes = [allow(read={Role.HR}, write={Role.HR})]

    @extend_schema(request=ThrCreateSerializer, responses={201: BonusSerializer(many=True)})
    def post(self, request):
        payload = ThrCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        created = services.thr_bonuses_create(
            actor=request.user,
            holiday_date=data["holiday_date"],
            period=data["period"],
            department_ids=_thr_departments(data.get("department")),
            submit=data["submit"],
        )
        bonuses = (
            selectors.bonus_list(viewer=request.user).filter(pk__in=[bonus.pk for bonus in created]).order_by("id")
        )
        return Response(
            BonusSerializer(bonuses, many=True, context={"request": request}).data, status=status.HTTP_201_CREATED
        )
