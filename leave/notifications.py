"""Who hears about a leave request, and what the e-mail says."""

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import notification_message
from employees.models import Role, User
from leave.models import LeaveRequest, Stage

EVENTS = ("submitted", "forwarded", "approved", "rejected", "cancelled")


def _hr_people() -> list[User]:
    return list(User.objects.filter(role=Role.HR, is_active=True).exclude(email="").order_by("pk"))


def recipients_for(request: LeaveRequest, event: str) -> list[User]:
    """submitted: whoever decides first (the manager, or HR when there is none); forwarded: HR;
    approved, rejected: the employee; cancelled: the manager. Never the actor's own inbox
    twice, never a person without an e-mail address."""
    employee, manager = request.employee, request.employee.manager
    has_manager = manager is not None and manager.is_active
    if event == "submitted":
        people = [manager] if has_manager and request.stage == Stage.MANAGER else _hr_people()
    elif event == "forwarded":
        people = _hr_people()
    elif event in ("approved", "rejected"):
        people = [employee]
    elif event == "cancelled":
        people = [manager] if has_manager else []
    else:
        raise ValueError(f"unknown leave notification event {event!r}")
    to_employee = event in ("approved", "rejected")
    return [person for person in people if person.email and (to_employee or person.pk != employee.pk)]


def message_for(request: LeaveRequest, event: str, recipient: User) -> EmailMessage:
    def compose() -> tuple[str, str]:
        values = {
            "employee": request.employee.get_full_name() or request.employee.username,
            "type": request.leave_type.name,
            "start": request.start_date.isoformat(),
            "end": request.end_date.isoformat(),
            "days": request.working_days,
            "reason": request.rejection_reason,
        }
        subjects = {
            "submitted": _("Leave request from %(employee)s waits for you"),
            "forwarded": _("Leave request from %(employee)s waits for HR"),
            "approved": _("Your %(type)s request is approved"),
            "rejected": _("Your %(type)s request is rejected"),
            "cancelled": _("%(employee)s cancelled a leave request"),
        }
        lines = [
            _("%(employee)s: %(type)s from %(start)s to %(end)s (%(days)s days).") % values,
        ]
        if event == "rejected":
            lines.append(_("Reason: %(reason)s") % values)
        if event in ("submitted", "forwarded"):
            lines.append(_("Decide in Prima: %(path)s") % {"path": reverse("leave:approvals")})
        else:
            lines.append(_("Your leave in Prima: %(path)s") % {"path": reverse("leave:mine")})
        return subjects[event] % values, "\n\n".join(lines)

    return notification_message([recipient], compose)
