"""Correlation reports API: request a report (answered 202 at once), follow its job, read it."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.periods import PeriodSerializerField
from correlation import inputs, interpretation, services
from correlation.models import (
    MAX_LAG,
    CorrelationPoint,
    CorrelationReport,
    CorrelationResult,
    Family,
    Granularity,
    ReportStatus,
    Variant,
)
from correlation.selectors import report_detail_queryset, report_list
from employees.models import Role
from employees.permissions import allow

READERS = {Role.LEADERSHIP, Role.HR}
MAX_ID = 2**63 - 1


class ReportRequestSerializer(serializers.Serializer):
    period_from = PeriodSerializerField()
    period_to = PeriodSerializerField()
    granularity = serializers.ChoiceField(choices=Granularity.choices)
    max_lag = serializers.IntegerField(min_value=0, max_value=MAX_LAG)
    external_source = serializers.CharField(max_length=32)
    external_dimension = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    shrink_units = serializers.BooleanField(required=False, default=False)


class ResultSerializer(serializers.ModelSerializer):
    direction = serializers.SerializerMethodField()
    interpretation = serializers.SerializerMethodField()

    class Meta:
        model = CorrelationResult
        fields = [
            "family",
            "variant",
            "role",
            "internal_metric",
            "external_metric",
            "lag",
            "direction",
            "n",
            "units",
            "insufficient_data",
            "reason",
            "pearson_r",
            "pearson_p",
            "ci_low",
            "ci_high",
            "spearman_rho",
            "spearman_p",
            "q_value",
            "spearman_q",
            "min_detectable_r",
            "effective_n",
            "design_effect",
            "coefficient",
            "interpretation",
        ]

    def get_direction(self, result) -> str:
        if result.lag == 0 or result.variant == Variant.BETWEEN_UNIT:
            return "same_period"
        if result.family == Family.LEVERS:
            return "lever_leads" if result.lag > 0 else "satisfaction_leads"
        return "internal_leads" if result.lag > 0 else "external_leads"

    def get_interpretation(self, result) -> str:
        return interpretation.describe(
            result,
            granularity=self.context["granularity"],
            higher_is_better=interpretation.higher_is_better_for(
                result,
                report_higher_is_better=self.context.get("higher_is_better", True),
                lower_metrics=self.context.get("lower_metrics", set()),
            ),
        )


class PointSerializer(serializers.ModelSerializer):
    period = PeriodSerializerField()

    class Meta:
        model = CorrelationPoint
        fields = ["department", "period", "internal", "external"]


class ReportSerializer(serializers.ModelSerializer):
    period_from = PeriodSerializerField()
    period_to = PeriodSerializerField()
    latest_input_period = PeriodSerializerField(allow_null=True)

    class Meta:
        model = CorrelationReport
        fields = [
            "id",
            "status",
            "progress",
            "error",
            "period_from",
            "period_to",
            "granularity",
            "max_lag",
            "external_source",
            "external_dimension",
            "external_higher_is_better",
            "shrink_units",
            "is_standard",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "timings",
            "latest_input_period",
            "input_fingerprint",
            "notes",
            "disclosure",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    summary = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    points = PointSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "summary", "results", "points"]
        read_only_fields = fields

    def get_summary(self, report) -> list[str]:
        return interpretation.summarise(report, list(report.results.all()))

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, report) -> list[dict]:
        context = {
            **self.context,
            "granularity": report.granularity,
            "higher_is_better": report.external_higher_is_better,
            "lower_metrics": inputs.lower_is_better_metrics(),
        }
        return ResultSerializer(report.results.all(), many=True, context=context).data


class IdListField(forms.CharField):
    """Report ids separated by commas (`3,5,8`); anything else is a 400."""

    def clean(self, value) -> list[int]:
        value = super().clean(value)
        if not value:
            return []
        try:
            ids = [int(part) for part in value.split(",")]
        except ValueError:
            raise ValidationError(_("Give report ids separated by commas.")) from None
        if any(not (1 <= report_id <= MAX_ID) for report_id in ids):
            raise ValidationError(_("Give report ids separated by commas."))
        return ids


class IdListFilter(django_filters.Filter):
    """`?id__in=3,5,8`: the reports with these ids (the progress bars of the pages poll them)."""

    field_class = IdListField

    def filter(self, queryset, value):
        return queryset.filter(pk__in=value) if value else queryset


class ReportFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices)
    id__in = IdListFilter(field_name="id")

    class Meta:
        model = CorrelationReport
        fields = ["status", "is_standard", "granularity", "external_source"]


class CorrelationReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Leadership and HR request and read correlation reports; everyone else is refused."""

    permission_classes = [allow(read=READERS, write=READERS)]
    filterset_class = ReportFilter

    def get_queryset(self):
        return report_detail_queryset() if self.action == "retrieve" else report_list()

    def get_serializer_class(self):
        if self.action == "create":
            return ReportRequestSerializer
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    @extend_schema(
        request=ReportRequestSerializer,
        responses={
            202: OpenApiResponse(
                inline_serializer(
                    "ReportAccepted", {"id": serializers.IntegerField(), "status": serializers.CharField()}
                )
            )
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.correlation_report_request(actor=request.user, **serializer.validated_data)
        return Response({"id": report.pk, "status": ReportStatus.PENDING.value}, status=status.HTTP_202_ACCEPTED)
