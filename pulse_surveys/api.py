"""Pulse-survey API: the bank, surveys, rounds, answering, closing and results.

No endpoint returns an individual response: answering answers 201 with no id, and results
come only from materialised, suppression-checked `RoundResult` rows.
"""

import django_filters
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.replica import heavy_reads
from core.errors import Conflict, NotAllowed
from employees.models import Department, Role
from employees.permissions import ANYONE, allow, is_hr, is_manager, managed_department_ids
from feedback import selectors as feedback_selectors
from pulse_surveys import impact, selectors, services
from pulse_surveys.models import (
    PROTECTION_NOTE,
    TEXT_MAX_LENGTH,
    Driver,
    Question,
    QuestionKind,
    Round,
    RoundResult,
    RoundStatus,
    Survey,
)

# --- The bank ---------------------------------------------------------------------------------


class DriverSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Driver
        fields = ["id", "key", "name", "name_en", "name_id", "position"]


class DriverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = DriverSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]

    def get_queryset(self):
        return selectors.driver_list()

    def perform_create(self, serializer):
        serializer.instance = services.driver_create(**serializer.validated_data)


class QuestionSerializer(serializers.ModelSerializer):
    text = serializers.CharField(
        max_length=300, required=False, help_text="In the active language; on write, the English text if none is given."
    )
    text_en = serializers.CharField(max_length=300, required=False)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    required = serializers.BooleanField(read_only=True)

    class Meta:
        model = Question
        fields = ["id", "key", "text", "text_en", "text_id", "kind", "driver", "required", "is_active"]
        read_only_fields = ["is_active"]

    def validate(self, attrs):
        text = attrs.pop("text", None)
        attrs["text_en"] = attrs.get("text_en") or text
        if not attrs["text_en"]:
            raise serializers.ValidationError({"text": [_("A question needs a text.")]})
        return attrs


class QuestionFilter(django_filters.FilterSet):
    class Meta:
        model = Question
        fields = ["kind", "driver", "is_active"]


class QuestionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = "[0-9]+"
    serializer_class = QuestionSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_class = QuestionFilter

    def get_queryset(self):
        return selectors.question_list()

    def perform_create(self, serializer):
        serializer.instance = services.question_create(**serializer.validated_data)


# --- Rounds and surveys ----------------------------------------------------------------------


class RoundCreateSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class RoundQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.id")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    driver = serializers.CharField(source="question.driver.key", default=None)
    required = serializers.BooleanField(source="question.required")


class RoundSerializer(serializers.ModelSerializer):
    survey_title = serializers.CharField(source="survey.title")
    answered = serializers.BooleanField()
    questions = RoundQuestionSerializer(source="round_questions", many=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "survey",
            "survey_title",
            "number",
            "status",
            "opens_at",
            "closes_at",
            "closed_at",
            "results_ready",
            "anonymity_threshold",
            "answered",
            "questions",
        ]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    questions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Question.objects.all(), help_text="Question ids, in the order they are asked."
    )
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Department.objects.all(), required=False)
    anonymity_threshold = serializers.IntegerField(
        min_value=settings.PRIMA_ANONYMITY_THRESHOLD_MINIMUM,
        max_value=1000,
        default=settings.PRIMA_ANONYMITY_THRESHOLD_DEFAULT,
    )
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=60), required=False, max_length=10
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "questions",
            "cadence",
            "departments",
            "anonymity_threshold",
            "questions_per_round",
            "open_days",
            "reminder_days",
            "starts_at",
            "is_active",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["questions"] = [sq.question_id for sq in instance.survey_questions.all()]
        return data


class SurveyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    serializer_class = SurveySerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_fields = ["cadence", "is_active"]

    def get_queryset(self):
        return selectors.survey_list()

    def perform_create(self, serializer):
        serializer.instance = services.survey_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.survey_update(
            survey=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=RoundCreateSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def rounds(self, request, pk=None):
        survey = self.get_object()
        payload = RoundCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pulse_round = services.round_create(survey=survey, actor=request.user, **payload.validated_data)
        pulse_round = selectors.round_list(viewer=request.user).get(pk=pulse_round.pk)
        return Response(RoundSerializer(pulse_round).data, status=status.HTTP_201_CREATED)


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    value = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, trim_whitespace=True)


class ResponseInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False, max_length=200)


class RoundFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices)

    class Meta:
        model = Round
        fields = ["status", "survey"]


def _driver_scores(result: RoundResult) -> list[dict]:
    scores = []
    for item in result.driver_scores.all():
        score = {"driver": item.driver.key, "name": item.driver.name, "score": round(item.score, 1)}
        if result.protected:
            score["margin"] = item.margin
        scores.append(score)
    return scores


def result_payload(result: RoundResult, *, detailed: bool, request=None) -> dict:
    """What a result shows: counts always; scores only when not suppressed; in detail (with the
    request, for the page of comments) also the distributions and comments. A protected result
    carries its figures as stored (whole points, noise included), each with its margin, and
    the note that says why; it has no distributions."""
    data = {
        "department": result.department_id,
        "name": result.department.name if result.department_id else _("Whole audience"),
        "invited": result.invited,
        "responded": result.responded,
        "response_rate": result.response_rate,
        "suppressed": result.suppressed,
        "reason": result.reason or None,
        "protected": result.protected,
    }
    if not result.suppressed:
        data["score"] = None if result.score is None else round(result.score, 1)
        data["enps"] = None if result.enps is None else round(result.enps, 1)
        if result.protected:
            data.update(score_margin=result.score_margin, enps_margin=result.enps_margin, note=str(PROTECTION_NOTE))
        data["drivers"] = _driver_scores(result)
        if detailed and not result.protected:
            data["distributions"] = [
                {"question": int(question_id), "counts": counts} for question_id, counts in result.distributions.items()
            ]
        if detailed:
            data.update(_comments(result, request))
    return data


def _comments(result: RoundResult, request) -> dict:
    """A page of the result's comments (`?comments_page=N`, the first by default) in their
    stored shuffled order, their total, and the link to the next page (null on the last)."""
    try:
        page = selectors.result_comment_pages(result).page(request.query_params.get("comments_page", 1))
    except PageNotAnInteger:
        message = _("A page of comments is given by its number.")
        raise serializers.ValidationError({"comments_page": [message]}) from None
    except EmptyPage:
        raise NotFound(_("There is no such page of comments.")) from None
    next_url = None
    if page.has_next():
        next_url = replace_query_param(request.build_absolute_uri(), "comments_page", page.next_page_number())
    return {
        "comments": list(page),
        "comments_total": page.paginator.count,
        "comments_next": next_url,
        "comment_summary": feedback_selectors.summary_as_dict(selectors.result_comment_summary(result)),
    }


class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rounds as the caller may see them; employees see only the rounds they are invited to."""

    lookup_value_regex = "[0-9]+"
    serializer_class = RoundSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RoundFilter

    def get_queryset(self):
        return (
            selectors.round_list(viewer=self.request.user)
            .prefetch_related("round_questions__question__driver")
            .order_by("-opens_at", "-id")
        )

    @extend_schema(request=ResponseInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        """Answers a round. Not invited: 403; not open or answered before: 409; unknown: 404."""
        payload = ResponseInputSerializer(data=request.data)
        try:
            payload.is_valid(raise_exception=True)
            services.response_submit(
                pulse_round=int(pk), employee=request.user, answers=payload.validated_data["answers"]
            )
        except (serializers.ValidationError, NotAllowed):
            # The service reads the round with the invitation; only on the way to an error is
            # it looked up on its own, so that an unknown round is a 404 whatever the body.
            get_object_or_404(Round.objects.all(), pk=pk)
            raise
        return Response({"detail": _("Thank you. Your answers were recorded anonymously.")}, status=201)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        if not is_hr(request.user):
            raise NotAllowed()
        pulse_round = self.get_object()
        services.round_close(pulse_round=pulse_round, actor=request.user)
        return Response(RoundSerializer(self.get_queryset().get(pk=pulse_round.pk)).data)

    @action(detail=True, methods=["get"])
    def participation(self, request, pk=None):
        """Invited and answered per department, also while the round is open (no scores)."""
        if not is_hr(request.user):
            raise NotAllowed()
        return Response(selectors.round_participation(self.get_object()))

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, description="A department id; none: the whole audience"),
            OpenApiParameter(
                "comments_page",
                int,
                description=f"Which {selectors.RESULT_COMMENTS_PER_PAGE} comments to show (`comments_next` links the "
                "next page); the first if none",
            ),
        ]
    )
    @action(detail=True, methods=["get"])
    @heavy_reads()
    def results(self, request, pk=None):
        user = request.user
        if not selectors.can_see_results(user):
            raise NotAllowed()
        pulse_round = get_object_or_404(selectors.round_list(viewer=user).select_related(None), pk=pk)
        department = self._department(request)
        if pulse_round.status != RoundStatus.CLOSED:
            raise Conflict(_("Results are shown once the round has closed."), code="round_open")
        if not pulse_round.results_ready:
            raise Conflict(_("The results are being prepared; try again in a moment."), code="results_pending")
        result, breakdown = selectors.round_result(pulse_round=pulse_round, department=department)
        if result is None:
            raise NotFound()
        data = {"round": pulse_round.pk, **result_payload(result, detailed=True, request=request)}
        data["breakdown"] = [result_payload(child, detailed=False) for child in breakdown]
        return Response(data)

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, description="A department id; none: every group the caller may see")
        ]
    )
    @action(detail=True, methods=["get"], url_path="driver-impact")
    def driver_impact(self, request, pk=None):
        """The round's driver analyses that ran: HR and leadership every group (and IKM across
        units); a manager the departments of their own subtree. Groups whose results are hidden,
        protected or too small are never listed."""
        user = request.user
        if not selectors.can_see_results(user):
            raise NotAllowed()
        pulse_round = get_object_or_404(selectors.round_list(viewer=user).select_related(None), pk=pk)
        if pulse_round.status != RoundStatus.CLOSED or not pulse_round.results_ready:
            raise Conflict(_("Driver impact is shown once the round has closed."), code="round_open")
        raw = request.query_params.get("department")
        department = self._department(request) if raw not in (None, "") else None
        analyses = selectors.round_driver_analyses(pulse_round=pulse_round)
        if department is not None:
            analyses = analyses.filter(department=department)
        elif not selectors.can_see_all_results(user):
            analyses = analyses.filter(department_id__in=managed_department_ids(user))
        return Response({"round": pulse_round.pk, "analyses": impact.analyses_payload(analyses)})

    def _department(self, request) -> Department | None:
        raw = request.query_params.get("department")
        user = request.user
        if raw in (None, ""):
            if is_manager(user):
                if user.department_id is None:
                    raise NotFound()
                return user.department
            return None
        try:
            department_id = int(raw)
        except ValueError:
            raise serializers.ValidationError({"department": [_("A department is given by its id.")]}) from None
        if is_manager(user) and department_id not in managed_department_ids(user):
            raise NotFound()
        return get_object_or_404(Department, pk=department_id)
