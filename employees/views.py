from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from employees.models import Department
from employees.permissions import can_see_wage, is_hr, is_manager
from employees.selectors import employee_list

PEOPLE_PER_PAGE = 50


@require_GET
@login_required
def profile(request):
    user = request.user
    return render(request, "employees/profile.html", {"person": user, "show_wage": can_see_wage(user, user)})


@require_GET
@login_required
def directory(request):
    """HR sees everyone (with wages); a manager sees their own subtree."""
    if not (is_hr(request.user) or is_manager(request.user)):
        raise PermissionDenied
    people = employee_list(viewer=request.user).filter(is_active=True)
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(employee_number__icontains=query)
        )
    department = request.GET.get("department", "")
    if department.isdigit():
        people = people.filter(department_id=int(department))
    page = Paginator(people.select_related("department", "manager"), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(id__in=people.values("department_id")).order_by("name")
    return render(
        request,
        "employees/directory.html",
        {
            "page": page,
            "query": query,
            "department": department,
            "departments": departments,
            "show_wages": is_hr(request.user),
        },
    )
