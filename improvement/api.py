"""Continuous-improvement API: actions (with their follow-up and progress notes), trainings
(with attendance) and the suggestions library. Thin: every write is a service call, every
permission decision is `improvement.rules` / `employees.permissions`."""

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from core.errors import NotAllowed
from core.periods import Period
from employees.models import Department, Role, User
from employees.permissions import ANYONE, allow
from improvement import rules, selectors, services, targets
from improvement.models import Action, ActionNote, ActionStatus, SuggestedAction, Training

PLANNERS = {Role.HR, Role.MANAGER}


def _measurement(measurement: selectors.Measurement | None) -> dict | None:
    if measurement is None:
        return None
    if measurement.suppressed:
        return {"period": str(Period.of(measurement.period)), "suppressed": True}
    return {
        "period": str(Period.of(measurement.period)),
        "suppressed": False,
        "value": round(measurement.value, 2),
        "respondents": measurement.respondents,
        "margin": measurement.margin,
    }


# --- actions -------------------------------------------------------------------------------


class MeasurementSerializer(serializers.Serializer):
    """The targeted score in one period; a suppressed one carries only its period."""

    period = serializers.CharField(help_text="YYYY-MM")
    suppressed = serializers.BooleanField()
    value = serializers.FloatField(required=False, help_text=_("0–100; absent when suppressed"))
    respondents = serializers.IntegerField(required=False, allow_null=True)
    margin = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("95% margin of the protective noise a protected pulse score carries, in points; null when exact"),
    )


FOLLOW_UP_FIELDS = ("metric", "source", "before", "after", "change", "verdict", "after_series")


class ActionSerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    driver = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    dimension = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    members = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    status_note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000)
    suggestion = serializers.PrimaryKeyRelatedField(
        queryset=SuggestedAction.objects.all(), required=False, allow_null=True
    )
    # The follow-up: present only for those who may see the department's results.
    metric = serializers.SerializerMethodField(help_text=_("`driver:<key>` or the external dimension"))
    source = serializers.SerializerMethodField(help_text=_("`pulse` or the external source, e.g. `skm`"))
    before = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()
    change = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    after_series = serializers.SerializerMethodField(help_text=_("Only on a single action."))

    class Meta:
        model = Action
        fields = [
            "id",
            "department",
            "driver",
            "dimension",
            "title",
            "description",
            "owner",
            "members",
            "start_date",
            "due_date",
            "status",
            "status_note",
            "completed_on",
            "suggestion",
            "created_at",
            *FOLLOW_UP_FIELDS,
        ]
        read_only_fields = ["completed_on", "created_at"]
        extra_kwargs = {"start_date": {"required": False}}

    def _follow_up(self, instance) -> selectors.FollowUp | None:
        return self.context.get("follow_ups", {}).get(instance.pk)

    def _read(self, instance, read):
        follow_up = self._follow_up(instance)
        return None if follow_up is None else read(follow_up)

    def get_metric(self, instance) -> str:
        return self._read(instance, lambda follow_up: follow_up.metric)

    def get_source(self, instance) -> str:
        return self._read(instance, lambda follow_up: follow_up.source)

    @extend_schema_field(MeasurementSerializer(allow_null=True))
    def get_before(self, instance):
        return self._read(instance, lambda follow_up: _measurement(follow_up.before))

    @extend_schema_field(MeasurementSerializer(allow_null=True))
    def get_after(self, instance):
        return self._read(instance, lambda follow_up: _measurement(follow_up.after))

    def get_change(self, instance) -> float | None:
        change = self._read(instance, lambda follow_up: follow_up.change)
        return None if change is None else round(change, 2)

    @extend_schema_field(serializers.ChoiceField(choices=["improved", "unchanged", "worse"], allow_null=True))
    def get_verdict(self, instance):
        return self._read(instance, lambda follow_up: follow_up.verdict)

    @extend_schema_field(MeasurementSerializer(many=True))
    def get_after_series(self, instance):
        return self._read(instance, lambda follow_up: [_measurement(m) for m in follow_up.after_series])

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._follow_up(instance) is None:
            hidden = FOLLOW_UP_FIELDS  # not for this reader: the fields are absent, not null
        else:
            hidden = () if self.context.get("detail") else ("after_series",)
        for name in hidden:
            data.pop(name, None)
        return data


class ActionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = Action
        fields = ["department", "driver", "dimension", "status", "owner"]


class ActionNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionNote
        fields = ["id", "author", "text", "status_from", "status_to", "created_at"]
        read_only_fields = ["author", "status_from", "status_to", "created_at"]
        extra_kwargs = {"text": {"required": True, "allow_blank": False}}


class ActionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Actions visible to the caller; HR plans for all, managers for their own subtree. The
    owner may change the status; the owner and members write progress notes. `before`,
    `after`, `change` and `verdict` are shown to those who may see the department's results."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action == "create":
            return [allow(read=ANYONE, write=PLANNERS)()]
        return [allow(read=ANYONE, write=ANYONE)()]

    def get_queryset(self):
        return selectors.action_list(viewer=self.request.user)

    def _follow_ups(self, actions) -> dict:
        user = self.request.user
        shown = [action for action in actions if rules.may_see_follow_up(user, action.department_id)]
        return selectors.action_follow_ups(shown)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "follow_ups": self._follow_ups(page)}
        return self.get_paginated_response(ActionSerializer(page, many=True, context=context).data)

    def _detail(self, instance, status_code=status.HTTP_200_OK):
        context = {**self.get_serializer_context(), "follow_ups": self._follow_ups([instance]), "detail": True}
        return Response(ActionSerializer(instance, context=context).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("status", None)
        data.pop("status_note", None)
        action = services.action_create(actor=request.user, **data)
        return self._detail(self.get_queryset().get(pk=action.pk), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        if not rules.may_change_status(request.user, instance):  # refused before the body is read
            raise NotAllowed()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        new_status = changes.pop("status", None)
        note = changes.pop("status_note", "")
        with transaction.atomic():
            if changes:
                services.action_update(action=instance, actor=request.user, **changes)
            if new_status is not None and new_status != instance.status:
                services.action_status_change(action=instance, actor=request.user, status=new_status, note=note)
        return self._detail(self.get_queryset().get(pk=instance.pk))

    @extend_schema(methods=["GET"], responses=ActionNoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=ActionNoteSerializer, responses={201: ActionNoteSerializer})
    @route(detail=True, methods=["get", "post"], url_path="notes")
    def notes(self, request, pk=None):
        """Progress notes, oldest first; POST `{"text"}` adds one."""
        instance = self.get_object()
        if request.method == "POST":
            if not rules.may_add_note(request.user, instance):
                raise NotAllowed(_("Only the owner, the team members, the department's managers and HR write notes."))
            serializer = ActionNoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = services.action_note_add(action=instance, actor=request.user, text=serializer.validated_data["text"])
            return Response(ActionNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        return Response(ActionNoteSerializer(selectors.action_notes(instance), many=True).data)


# --- trainings -----------------------------------------------------------------------------


class TrainingStatus:
    SCHEDULED = "scheduled"
    HELD = "held"
    CHOICES = [(SCHEDULED, _("scheduled")), (HELD, _("held"))]


class TrainingSerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    driver = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    dimension = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    status = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "id",
            "topic",
            "description",
            "department",
            "driver",
            "dimension",
            "date",
            "hours",
            "trainer",
            "attendees",
            "attendance",
            "status",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["attendees"] = [row.employee_id for row in instance.attendances.all()]
        return data

    def get_status(self, instance) -> str:
        return TrainingStatus.HELD if instance.date <= timezone.localdate() else TrainingStatus.SCHEDULED

    def get_attendance(self, instance) -> list[dict]:
        return [{"employee": row.employee_id, "attended": row.attended} for row in instance.attendances.all()]


class TrainingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrainingStatus.CHOICES, method="filter_status")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Training
        fields = ["department", "driver", "dimension", "status", "date_from", "date_to"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        return (
            queryset.filter(date__gt=today) if value == TrainingStatus.SCHEDULED else queryset.filter(date__lte=today)
        )


class AttendanceRowSerializer(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    attended = serializers.BooleanField()


class AttendanceSerializer(serializers.Serializer):
    attendance = AttendanceRowSerializer(many=True, allow_empty=False)


class TrainingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Training sessions visible to the caller; HR plans for all, managers for their subtree.
    `status` is `scheduled` (the date is still ahead) or `held`."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    permission_classes = [allow(read=ANYONE, write=PLANNERS)]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.training_list(viewer=self.request.user)

    def perform_create(self, serializer):
        training = services.training_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=training.pk)

    def perform_update(self, serializer):
        training = services.training_update(
            training=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=training.pk)

    @extend_schema(request=AttendanceSerializer, responses=TrainingSerializer)
    @route(detail=True, methods=["post"], url_path="attendance")
    def attendance(self, request, pk=None):
        """`{"attendance": [{"employee": id, "attended": true}, …]}`: who came. Anyone outside
        the session's audience fails the whole request (400) and nothing is recorded."""
        training = self.get_object()
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["attendance"]
        services.training_attendance_record(
            training=training, actor=request.user, attendance={row["employee"]: row["attended"] for row in rows}
        )
        return Response(TrainingSerializer(get_object_or_404(self.get_queryset(), pk=training.pk)).data)


# --- suggestions ---------------------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer):
    driver = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    dimension = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    title = serializers.CharField(read_only=True)
    target = serializers.SerializerMethodField()

    class Meta:
        model = SuggestedAction
        fields = [
            "id",
            "driver",
            "dimension",
            "target",
            "title",
            "title_en",
            "title_id",
            "description_en",
            "description_id",
            "position",
            "is_active",
        ]

    def get_target(self, instance) -> str:
        return targets.target_label(
            driver=instance.driver, dimension=instance.dimension, names=self.context.get("driver_names", {})
        )


class SuggestionFilter(django_filters.FilterSet):
    class Meta:
        model = SuggestedAction
        fields = ["driver", "dimension", "is_active"]


class SuggestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The suggested-actions library: everyone reads it, HR keeps it. `title` is in the
    caller's language."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.suggestion_list(include_inactive=True).order_by("driver", "dimension", "position", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "driver_names": targets.driver_names()}

    def perform_create(self, serializer):
        serializer.instance = services.suggestion_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.suggestion_update(
            suggestion=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
