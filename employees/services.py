"""Every write to people and departments."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from core.audit import audit_record
from employees.models import Department, Role, User


def _path_for(department: Department) -> str:
    parent_path = department.parent.path if department.parent_id else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_create(
    *,
    name: str,
    code: str,
    parent: Department | None = None,
    is_service_unit: bool = False,
    customer_population: int | None = None,
) -> Department:
    department = Department(
        name=name,
        code=code,
        parent=parent,
        is_service_unit=is_service_unit,
        customer_population=customer_population,
    )
    department.full_clean(exclude=["path"])
    department.save()
    department.path = _path_for(department)
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def department_update(*, department: Department, **changes) -> Department:
    """Updates fields; moving a department under a new parent re-roots its whole subtree."""
    old_path = department.path
    new_parent = changes.get("parent", department.parent)
    if new_parent is not None and new_parent.path.startswith(old_path):
        raise ValidationError({"parent": _("A department cannot be moved under itself or its own subtree.")})
    for field, value in changes.items():
        setattr(department, field, value)
    department.full_clean(exclude=["path"])
    department.save()
    new_path = _path_for(department)
    if new_path != old_path:
        Department.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
        department.refresh_from_db(fields=["path"])
    return department


def _check_manager(manager: User | None, user: User | None = None) -> None:
    if manager is not None and user is not None and manager.pk == user.pk:
        raise ValidationError({"manager": _("An employee cannot be their own manager.")})


@transaction.atomic
def employee_create(
    *,
    username: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    employee_number: str | None = None,
    department: Department | None = None,
    manager: User | None = None,
    hire_date: dt.date | None = None,
    role: str = Role.EMPLOYEE,
    monthly_wage: Decimal | None = None,
    sex: str = "",
    validate_password_strength: bool = True,
    actor: User | None = None,
) -> User:
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        employee_number=employee_number or None,
        department=department,
        manager=manager,
        hire_date=hire_date,
        role=role,
        monthly_wage=monthly_wage,
        sex=sex,
    )
    if password:
        if validate_password_strength:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    if actor is not None:
        audit_record(actor=actor, action="employees.create", target=user, summary=f"{user.username} ({role})")
    return user


@transaction.atomic
def employee_update(*, user: User, password: str | None = None, actor: User | None = None, **changes) -> User:
    _check_manager(changes.get("manager"), user)
    old_role = user.role
    for field, value in changes.items():
        setattr(user, field, value)
    if "employee_number" in changes and not changes["employee_number"]:
        user.employee_number = None
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
    user.full_clean()
    user.save()
    if actor is not None and user.role != old_role:
        audit_record(
            actor=actor,
            action="employees.role.change",
            target=user,
            summary=f"{user.username}: {old_role} → {user.role}",
            data={"from": old_role, "to": user.role},
        )
    return user
