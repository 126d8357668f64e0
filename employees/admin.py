from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from employees import services
from employees.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "is_service_unit"]
    list_filter = ["is_service_unit"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.department_update(department=obj, **fields)
        else:
            created = services.department_create(**form.cleaned_data)
            obj.pk, obj.path = created.pk, created.path


@admin.register(User)
class EmployeeAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "employee_number", "department", "role", "is_active"]
    list_filter = ["role", "is_active", "department"]
    search_fields = ["username", "first_name", "last_name", "employee_number", "email"]
    list_select_related = ["department"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Employment"),
            {"fields": ("employee_number", "department", "manager", "hire_date", "role", "monthly_wage", "sex")},
        ),
    )
    raw_id_fields = ["manager"]
