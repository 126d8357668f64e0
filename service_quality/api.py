"""Service-quality API: imports, scores and the IKM of a unit."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.periods import PERIOD_FORMAT_HELP, Period, PeriodSerializerField
from employees.models import Department, Role
from employees.permissions import allow
from service_quality import selectors, services
from service_quality.models import (
    SCORE_MAX,
    SCORE_MAX_DIGITS,
    SCORE_MIN,
    SCORE_PLACES,
    Direction,
    ExternalScore,
    ImportKind,
    ImportStatus,
    ScoreImport,
    Source,
)

# An upload larger than this is refused before it is read (a 100,000-row SKM CSV is ~4 MB).
MAX_IMPORT_BYTES = 64 * 1024 * 1024

HR_ONLY = allow(read={Role.HR}, write={Role.HR})
HR_AND_LEADERSHIP = allow(read={Role.HR, Role.LEADERSHIP}, write={Role.HR})


# --- Imports.


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ScoreImportSerializer(serializers.ModelSerializer):
    errors = ImportErrorSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScoreImport
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "file_format",
            "rows_total",
            "rows_imported",
            "progress",
            "errors",
            "error_count",
            "replaced",
            "replaced_count",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, score_import) -> int:
        return selectors.score_import_progress(score_import)


class ScoreImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV (UTF-8) or XLSX"))
    kind = serializers.ChoiceField(choices=ImportKind.choices)

    def validate_file(self, upload):
        if upload.size > MAX_IMPORT_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class ScoreImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """HR imports files. A small file is imported at once (`201`, or `400` with every problem and
    nothing imported); a file of 100,000 rows or more is queued (`202`): poll the import until
    its `status` is `succeeded` or `failed`. The same file again: `409`."""

    permission_classes = [HR_ONLY]
    serializer_class = ScoreImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return selectors.score_import_list()

    @extend_schema(
        request=ScoreImportCreateSerializer, responses={201: ScoreImportSerializer, 202: ScoreImportSerializer}
    )
    def create(self, request, *args, **kwargs):
        incoming = ScoreImportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        result = services.score_import_create(
            kind=incoming.validated_data["kind"],
            file_name=upload.name,
            content=upload.read(),
            actor=request.user,
        )
        code = {
            ImportStatus.SUCCEEDED: status.HTTP_201_CREATED,
            ImportStatus.FAILED: status.HTTP_400_BAD_REQUEST,
        }.get(result.status, status.HTTP_202_ACCEPTED)
        return Response(self.get_serializer(result).data, status=code)


# --- Scores.


class PeriodFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value).first_day
        except ValidationError:
            raise ValidationError(PERIOD_FORMAT_HELP) from None


class PeriodFilter(django_filters.Filter):
    field_class = PeriodFormField


class ExternalScoreFilter(django_filters.FilterSet):
    period = PeriodFilter(field_name="period")
    period_from = PeriodFilter(field_name="period", lookup_expr="gte")
    period_to = PeriodFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = ExternalScore
        fields = ["department", "source", "dimension", "derived"]


class ExternalScoreSerializer(serializers.ModelSerializer):
    period = PeriodSerializerField()
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    department_code = serializers.CharField(source="department.code", read_only=True)
    source = serializers.ChoiceField(choices=Source.choices)
    value = serializers.DecimalField(
        max_digits=SCORE_MAX_DIGITS, decimal_places=SCORE_PLACES, min_value=SCORE_MIN, max_value=SCORE_MAX
    )
    respondents = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        required=False,
        help_text=gettext_lazy("Which way is better; only a custom measure can be lower-is-better."),
    )

    class Meta:
        model = ExternalScore
        fields = [
            "id",
            "department",
            "department_code",
            "period",
            "source",
            "dimension",
            "value",
            "respondents",
            "direction",
            "derived",
            "source_import",
            "updated_at",
        ]
        read_only_fields = ["derived", "source_import", "updated_at"]
        validators = []  # uniqueness is the service's to judge (409, not 400)

    def to_representation(self, score):
        data = super().to_representation(score)
        lower = self.context.get("lower_is_better")
        if lower is None:
            lower = self.context["lower_is_better"] = selectors.lower_is_better_measures()
        data["direction"] = Direction.LOWER if (score.source, score.dimension) in lower else Direction.HIGHER
        return data


class ExternalScoreViewSet(viewsets.ModelViewSet):
    """Scores per unit, period, source and dimension (0–100). HR writes; HR and leadership read.
    Scores Prima derived (`derived: true`) change only through new imports."""

    permission_classes = [HR_AND_LEADERSHIP]
    serializer_class = ExternalScoreSerializer
    filterset_class = ExternalScoreFilter

    def get_queryset(self):
        return selectors.external_score_list()

    def perform_create(self, serializer):
        serializer.instance = services.external_score_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        score = serializer.instance
        direction = serializer.validated_data.pop("direction", None)
        if direction is not None and direction != serializer.to_representation(score)["direction"]:
            raise serializers.ValidationError(
                {
                    "direction": [
                        _(
                            "Which way is better belongs to the measure, not to one score; an administrator "
                            "can change it."
                        )
                    ]
                }
            )
        changes = {field: value for field, value in serializer.validated_data.items() if getattr(score, field) != value}
        serializer.instance = services.external_score_update(score=score, actor=self.request.user, **changes)

    def perform_destroy(self, instance):
        services.external_score_delete(score=instance, actor=self.request.user)


# --- IKM.


class IkmQuerySerializer(serializers.Serializer):
    department = serializers.IntegerField(min_value=1)
    period = PeriodSerializerField()


class IkmView(APIView):
    """The IKM of a service unit in a period (PermenPANRB 14/2017): the index (25–100), its
    grade, each element's mean (1–4), the respondents and whether the sample is large enough."""

    permission_classes = [HR_AND_LEADERSHIP]

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, required=True),
            OpenApiParameter("period", str, required=True, description="YYYY-MM"),
        ],
        responses=inline_serializer(
            "Ikm",
            {
                "department": serializers.IntegerField(),
                "period": serializers.CharField(),
                "ikm": serializers.DecimalField(max_digits=5, decimal_places=2),
                "grade": serializers.CharField(),
                "grade_label": serializers.CharField(),
                "elements": inline_serializer(
                    "IkmElement",
                    {
                        "element": serializers.CharField(),
                        "label": serializers.CharField(),
                        "mean": serializers.DecimalField(max_digits=5, decimal_places=3),
                    },
                    many=True,
                ),
                "weakest": serializers.ListField(child=serializers.CharField()),
                "respondents": serializers.IntegerField(allow_null=True),
                "minimum_sample": serializers.IntegerField(allow_null=True),
                "sample_too_small": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        query = IkmQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        department = get_object_or_404(Department, pk=query.validated_data["department"])
        result = selectors.ikm_for(department=department, period=query.validated_data["period"])
        if result is None:
            return Response(
                {"detail": _("There is no IKM for this unit and period.")}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(
            {
                "department": department.pk,
                "period": str(Period.of(result.period)),
                "ikm": f"{result.ikm:.2f}",
                "grade": result.grade.letter,
                "grade_label": str(result.grade.label),
                "elements": [
                    {"element": element.element, "label": element.label, "mean": f"{element.mean:.3f}"}
                    for element in result.elements
                ],
                "weakest": [element.element for element in result.weakest],
                "respondents": result.respondents,
                "minimum_sample": result.minimum_sample,
                "sample_too_small": result.sample_too_small,
            }
        )
