"""Organisation API: departments, employees, the signed-in person."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.money import MONEY_MAX_DIGITS
from core.security import PASSWORD_MAX_LENGTH
from employees import services
from employees.models import Department, Role, Sex, User
from employees.permissions import ANYONE, allow, can_see_wage, employees_visible_to
from employees.selectors import department_list, employee_list


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
