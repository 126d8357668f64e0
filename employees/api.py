"""Organisation API: departments, employees, the signed-in person."""

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.money import MONEY_MAX_DIGITS
from core.security import PASSWORD_MAX_LENGTH
from core.uploads import UploadRefused, read_bounded
from employees import services
from employees.models import Department, ImportKind, ImportMode, OrgImport, Role, Sex, User
from employees.permissions import ANYONE, allow, can_see_wage, employees_visible_to
from employees.selectors import SEARCH_MIN_LENGTH, department_list, employee_list, org_import_list, search


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "is_service_unit", "customer_population"]


class DepartmentFilter(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["parent", "is_service_unit", "code"]


class DepartmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DepartmentSerializer
    permission_classes = [allow(read=ANYONE, write={Role.HR})]
    filterset_class = DepartmentFilter

    def get_queryset(self):
        return department_list().order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.department_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.department_update(department=serializer.instance, **serializer.validated_data)


class EmployeeSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, max_length=PASSWORD_MAX_LENGTH, style={"input_type": "password"}
    )
    monthly_wage = serializers.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "employee_number",
            "department",
            "manager",
            "hire_date",
            "role",
            "monthly_wage",
            "sex",
            "is_active",
            "password",
        ]
        read_only_fields = ["is_active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not can_see_wage(self.context["request"].user, instance):
            data.pop("monthly_wage", None)
        return data


class EmployeeFilter(django_filters.FilterSet):
    class Meta:
        model = User
        fields = ["department", "manager", "role", "is_active"]


class EmployeeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """HR reads and writes everyone; a manager reads their own subtree; others are refused."""

    serializer_class = EmployeeSerializer
    permission_classes = [allow(read={Role.HR, Role.MANAGER}, write={Role.HR})]
    filterset_class = EmployeeFilter

    def get_queryset(self):
        return employee_list(viewer=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.employee_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.employee_update(
            user=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EmployeeSerializer)
    def get(self, request):
        me = employees_visible_to(request.user).select_related("department").get(pk=request.user.pk)
        return Response(EmployeeSerializer(me, context={"request": request}).data)


# --- The organisation file.


class OrgImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class OrgImportSerializer(serializers.ModelSerializer):
    errors = OrgImportErrorSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    applied_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = OrgImport
        fields = [
            "id",
            "kind",
            "mode",
            "status",
            "file_name",
            "file_format",
            "rows_total",
            "counts",
            "errors",
            "error_count",
            "changes",
            "progress",
            "created_by",
            "created_at",
            "applied_by",
            "applied_at",
        ]
        read_only_fields = fields

    def get_progress(self, org_import) -> int:
        return services.org_import_progress(org_import)


class OrgImportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.PARTIAL)
    file = serializers.FileField(help_text=gettext_lazy("CSV (UTF-8) or XLSX"))

    def validate_file(self, upload):
        try:
            return read_bounded(upload)
        except UploadRefused as refused:
            raise serializers.ValidationError(str(refused)) from None


class OrgImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """HR brings in the organisation from a file. `POST` checks the whole file and answers `201`
    with what it would do (`checked`) or every problem (`invalid`); nothing is written until
    `apply`, which writes all of it or nothing (`202`, then poll until `applied`)."""

    permission_classes = [allow(read={Role.HR}, write={Role.HR})]
    serializer_class = OrgImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return org_import_list()

    @extend_schema(request=OrgImportCreateSerializer, responses={201: OrgImportSerializer})
    def create(self, request):
        form = OrgImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        org_import = services.org_import_upload(
            kind=form.validated_data["kind"],
            mode=form.validated_data["mode"],
            file_name=getattr(request.data.get("file"), "name", ""),
            content=form.validated_data["file"],
            actor=request.user,
        )
        return Response(self.get_serializer(org_import).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: OrgImportSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        org_import = services.org_import_apply_start(org_import=self.get_object(), actor=request.user)
        org_import.refresh_from_db()
        return Response(self.get_serializer(org_import).data, status=status.HTTP_202_ACCEPTED)


class SearchPersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name")
    department = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "employee_number", "department_id", "department", "role"]
        read_only_fields = fields


class SearchDepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent"]
        read_only_fields = fields


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    people = SearchPersonSerializer(many=True)
    departments = SearchDepartmentSerializer(many=True)
    more_people = serializers.BooleanField()
    more_departments = serializers.BooleanField()


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=SEARCH_MIN_LENGTH,
        max_length=100,
        help_text=gettext_lazy("A name, an employee number, a department's name or code."),
    )


class SearchView(APIView):
    """People and departments by name or number, within what the person may see: HR everyone,
    a manager their own subtree. At most 20 of each; `more_*` says when more match."""

    permission_classes = [allow(read={Role.HR, Role.MANAGER}, write=())]

    @extend_schema(parameters=[SearchQuerySerializer], responses=SearchResultSerializer)
    def get(self, request):
        form = SearchQuerySerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        results = search(viewer=request.user, query=form.validated_data["q"])
        return Response(SearchResultSerializer(results).data)
