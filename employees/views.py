from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from employees.permissions import can_see_wage


@login_required
def profile(request):
    user = request.user
    return render(request, "employees/profile.html", {"person": user, "show_wage": can_see_wage(user, user)})
