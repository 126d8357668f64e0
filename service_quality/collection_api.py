"""API of the SKM collected in Prima: collections (HR; managers for their own service units),
their live results, visit codes and conflicts, and the public form's one write."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed
from employees.models import Department, Role
from employees.permissions import has_role
from service_quality import collecting, collection_selectors
from service_quality.api import HR_ONLY
from service_quality.models import ExpectationLevel, Origin, ScoreConflict, SkmCollection
from service_quality.questionnaires import Questionnaire

DEVICE_COOKIE = "prima_skm_device"
KIOSK_HEADER = "X-Kiosk-Key"


class CollectionPermission(BasePermission):
    """Reads: HR, leadership and managers (each sees what `collections_visible_to` gives);
    writes: HR and managers."""

    def has_permission(self, request, view) -> bool:
        roles = (
            {Role.HR, Role.LEADERSHIP, Role.MANAGER}
            if request.method in ("GET", "HEAD", "OPTIONS")
            else {
                Role.HR,
                Role.MANAGER,
            }
        )
        if view.action == "results":
            roles = {Role.HR, Role.LEADERSHIP, Role.MANAGER}
        return has_role(request.user, roles)


class SkmCollectionSerializer(serializers.ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    questionnaires = serializers.ListField(
        child=serializers.ChoiceField(choices=Questionnaire.choices),
        required=False,
        help_text="Further questionnaires after SKM's nine elements: dimensions, servqual, csat.",
    )
    public_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    class Meta:
        model = SkmCollection
        fields = [
            "id",
            "department",
            "period_from",
            "period_to",
            "expected_customers",
            "questionnaires",
            "sample_target",
            "status",
            "token",
            "public_url",
            "poster_url",
            "publish_suggestions",
            "created_at",
        ]
        read_only_fields = ["sample_target", "status", "token", "publish_suggestions", "created_at"]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_public_url(self, collection) -> str:
        return self._absolute(reverse("skm-public-form", args=[collection.token]))

    def get_poster_url(self, collection) -> str:
        return self._absolute(reverse("service_quality:collection_poster", args=[collection.pk]))


class VisitCodesRequestSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=collecting.MAX_VISIT_CODES_PER_SHEET)


class ElementSerializer(serializers.Serializer):
    element = serializers.CharField()
    label = serializers.CharField()
    mean = serializers.DecimalField(max_digits=5, decimal_places=3)


class GroupSerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    responses = serializers.IntegerField()
    suppressed = serializers.BooleanField()
    ikm = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class RatingSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="the question's key (timeliness, reliability_expectation, overall…)")
    text = serializers.CharField()
    source = serializers.CharField(help_text="the external-score series it writes: csat or servqual")
    respondents = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="on the 1–5 scale")
    score = serializers.DecimalField(max_digits=7, decimal_places=4, help_text="0–100, as in the series")


class CollectionResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    verified = serializers.IntegerField()
    flagged = serializers.IntegerField()
    counted = serializers.IntegerField()
    sample_target = serializers.IntegerField()
    sample_reached = serializers.BooleanField()
    ikm = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    grade = serializers.CharField(allow_null=True)
    elements = ElementSerializer(many=True)
    by_profile = serializers.DictField(child=GroupSerializer(many=True))
    by_expectation = GroupSerializer(many=True)
    ratings = RatingSerializer(many=True)


def _group(group) -> dict:
    return {
        "value": None if group.value is None else str(group.value),
        "label": group.label,
        "responses": group.responses,
        "suppressed": group.suppressed,
        "ikm": None if group.ikm is None else f"{group.ikm:.2f}",
    }


class SkmCollectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """SKM collections: a service unit's public survey over a period. HR opens them for any
    service unit, a manager for the units in their own subtree; leadership reads. The sample
    target is Krejcie & Morgan's minimum for `expected_customers`."""

    permission_classes = [CollectionPermission]
    serializer_class = SkmCollectionSerializer
    filterset_fields = ["department", "status"]

    def get_queryset(self):
        if self.action in ("close", "visit_codes"):
            return collection_selectors.collections_writable_by(self.request.user)
        return collection_selectors.collections_visible_to(self.request.user)

    def perform_create(self, serializer):
        department = serializer.validated_data["department"]
        if not collection_selectors.may_open_collection(self.request.user, department):
            raise NotAllowed(_("You may open collections only for the service units you manage."))
        serializer.instance = collecting.collection_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=CollectionResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Live results: IKM per element and overall (PermenPANRB 14/2017), grade, the data
        quality (verified, flagged, sample reached) and the results by profile group and by
        expectation level (a group below five respondents shows only its count)."""
        collection = self.get_object()
        results = collection_selectors.collection_results(collection)
        return Response(
            {
                "responses": results.responses,
                "verified": results.verified,
                "flagged": results.flagged,
                "counted": results.counted,
                "sample_target": results.sample_target,
                "sample_reached": results.sample_reached,
                "ikm": None if results.ikm is None else f"{results.ikm:.2f}",
                "grade": results.grade.letter if results.grade else None,
                "elements": [
                    {"element": element.element, "label": element.label, "mean": f"{element.mean:.3f}"}
                    for element in results.elements
                ],
                "by_profile": {
                    name: [_group(group) for group in groups]
                    for name, groups in collection_selectors.results_by_profile(collection).items()
                },
                "by_expectation": [_group(group) for group in collection_selectors.results_by_expectation(collection)],
                "ratings": [
                    {
                        "question": rating.question.key,
                        "text": rating.question.text,
                        "source": rating.question.source,
                        "respondents": rating.respondents,
                        "mean": f"{rating.mean:.4f}",
                        "score": f"{rating.score:.4f}",
                    }
                    for rating in results.ratings
                ],
            }
        )

    @extend_schema(request=None, responses=SkmCollectionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        collection = collecting.collection_close(collection=self.get_object(), actor=request.user)
        return Response(self.get_serializer(collection).data)

    @extend_schema(
        request=VisitCodesRequestSerializer,
        responses={
            201: inline_serializer("VisitCodes", {"codes": serializers.ListField(child=serializers.CharField())})
        },
    )
    @action(detail=True, methods=["post"], url_path="visit-codes")
    def visit_codes(self, request, pk=None):
        """New one-time visit codes to print on receipts or queue tickets."""
        collection = self.get_object()
        incoming = VisitCodesRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        codes = collecting.visit_codes_issue(
            collection=collection, count=incoming.validated_data["count"], actor=request.user
        )
        return Response({"codes": [code.code for code in codes]}, status=status.HTTP_201_CREATED)


class ScoreConflictSerializer(serializers.ModelSerializer):
    department_code = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = ScoreConflict
        fields = ["id", "department", "department_code", "period", "kept", "created_at", "resolved_at"]
        read_only_fields = fields


class ConflictResolveSerializer(serializers.Serializer):
    keep = serializers.ChoiceField(choices=Origin.choices)


class ScoreConflictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units and months with both collected and imported SKM results; HR keeps one."""

    permission_classes = [HR_ONLY]
    serializer_class = ScoreConflictSerializer
    filterset_fields = ["department", "kept"]

    def get_queryset(self):
        return ScoreConflict.objects.select_related("department").order_by("-period", "id")

    @extend_schema(request=ConflictResolveSerializer, responses=ScoreConflictSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        incoming = ConflictResolveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        conflict = collecting.score_conflict_resolve(
            conflict=self.get_object(), keep=incoming.validated_data["keep"], actor=request.user
        )
        return Response(self.get_serializer(conflict).data)


# --- The public form.


class PublicResponseSerializer(serializers.Serializer):
    """What the public form sends (documentation; the service checks the body itself, so that
    every problem is named in the respondent's language)."""

    answers = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=4))
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        required=False,
        help_text="answers 1–5 to the collection's further questionnaires, by question key",
    )
    profile = serializers.DictField(child=serializers.CharField())
    service = serializers.CharField(required=False, allow_blank=True)
    expectation_level = serializers.ChoiceField(choices=ExpectationLevel.choices, allow_null=True, required=False)
    suggestion = serializers.CharField(required=False, allow_blank=True)
    visit_code = serializers.CharField(required=False, allow_blank=True)


def signed_in(request) -> bool:
    """A Prima session or token on the request: staff must not answer for their customers."""
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or bool(request.headers.get("Authorization"))


class PublicResponseView(APIView):
    """A customer's answers to a unit's SKM, with no sign-in. `Idempotency-Key` makes a retry
    safe. `400` bad input, `404` unknown or closed collection, `409` a duplicate (this device
    answered lately, or a used visit code), `429` too many; `403` from a signed-in Prima
    session or token. The unit's kiosk sends its key in `X-Kiosk-Key`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    serializer_class = PublicResponseSerializer  # for the schema only

    @extend_schema(
        request=PublicResponseSerializer,
        parameters=[
            OpenApiParameter("token", str, OpenApiParameter.PATH, description="the collection's public link code"),
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            201: inline_serializer(
                "PublicResponseAccepted",
                {
                    "id": serializers.IntegerField(),
                    "verified": serializers.BooleanField(),
                    "detail": serializers.CharField(),
                },
            )
        },
        auth=[],
    )
    def dispatch(self, request, *args, **kwargs):
        # Before DRF replaces the session's user with its own (none here, so anonymous).
        self.from_staff = signed_in(request)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, token: str):
        if self.from_staff:
            return Response(
                {
                    "detail": _("Staff signed in to Prima may not answer the customers' survey. Sign out first."),
                    "code": "signed_in",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        response = collecting.response_submit(
            token=token,
            data=request.data,
            sender=collecting.Sender(
                device=request.COOKIES.get(DEVICE_COOKIE, "")[:64],
                address=request.META.get("REMOTE_ADDR", ""),
                kiosk_key=request.headers.get(KIOSK_HEADER, "")[:64],
            ),
        )
        return Response(
            {"id": response.pk, "verified": response.verified, "detail": _("Thank you for your answers!")},
            status=status.HTTP_201_CREATED,
        )
