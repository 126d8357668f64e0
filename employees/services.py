"""Every write to people and departments."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict
from core.jobs import enqueue_on_commit, job_heartbeat
from employees.apps import ORG_IMPORT_JOB
from employees.models import Department, ImportStatus, OrgImport, Role, ScimToken, User


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


def department_paths_rebuild() -> int:
    """Recomputes every department's path from the parent links (one read, one bulk write of
    the paths that changed). Used after a file has re-shaped the tree in one go."""
    rows = list(Department.objects.values_list("pk", "parent_id", "path"))
    parent_of = {pk: parent for pk, parent, _path in rows}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain = []
        node = pk
        while node is not None and node not in paths:
            chain.append(node)
            node = parent_of[node]
        prefix = paths[node] if node is not None else "/"
        for member in reversed(chain):
            prefix = f"{prefix}{member}/"
            paths[member] = prefix
        return paths[pk]

    changed = [Department(pk=pk, path=path_of(pk)) for pk, _parent, path in rows if path_of(pk) != path]
    Department.objects.bulk_update(changed, ["path"], batch_size=2_000)
    return len(changed)


@transaction.atomic
def employee_deactivate(*, user: User, actor=None, source: str = "api") -> User:
    """Switches a person off: they can no longer sign in, their sessions stop authenticating
    and their API tokens are removed. Nothing of theirs is deleted."""
    from rest_framework.authtoken.models import Token

    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor, action="employees.deactivate", target=user, summary=user.username, data={"source": source}
        )
    Token.objects.filter(user=user).delete()
    return user


# --- The organisation file.

ORG_IMPORT_PROGRESS_TIMEOUT = 24 * 3600


def org_import_progress_key(org_import_id: int) -> str:
    return f"org-import:{org_import_id}:progress"


def org_import_upload(*, kind: str, mode: str, file_name: str, content: bytes, actor) -> OrgImport:
    """Checks a file completely and keeps it: `checked` (ready to apply) or `invalid` with every
    problem. Nothing of the organisation is written."""
    from employees.importing import org_file_check

    plan = org_file_check(kind=kind, mode=mode, content=content)
    org_import = OrgImport.objects.create(
        kind=kind,
        mode=mode,
        status=ImportStatus.CHECKED if plan.is_valid else ImportStatus.INVALID,
        file_name=file_name[:255],
        file_format=plan.file_format,
        content=content if plan.is_valid else b"",
        rows_total=plan.rows_total,
        counts=plan.counts,
        errors=[error.as_dict() for error in plan.errors],
        error_count=plan.error_count,
        changes=plan.changes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="employees.import.check",
        target=org_import,
        summary=f"{kind} {mode} {file_name}"[:300],
        data={"status": org_import.status, "rows": plan.rows_total, "errors": plan.error_count},
    )
    return org_import


def org_import_apply_start(*, org_import: OrgImport, actor, queue: bool = True) -> OrgImport:
    """Marks a checked import `applying` and queues the job (or leaves running it to the caller,
    `queue=False`); 409 when it is not `checked` or another import is applying (the database
    allows one at a time)."""
    with transaction.atomic():
        locked = OrgImport.objects.select_for_update().get(pk=org_import.pk)
        if locked.status != ImportStatus.CHECKED:
            raise Conflict(
                _("Only a checked import can be applied; this one is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="state",
            )
        locked.status = ImportStatus.APPLYING
        locked.applied_by = actor if getattr(actor, "pk", None) else None
        locked.progress = 0
        locked.apply_started_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "applied_by", "progress", "apply_started_at"])
        except IntegrityError:
            raise Conflict(_("Another import is being applied; try again when it has finished."), code="busy") from None
        audit_record(
            actor=actor, action="employees.import.apply", target=locked, summary=f"{locked.kind} {locked.mode}"
        )
        if queue:
            enqueue_on_commit("tasks.employees.org_import_apply_task", locked.pk)
    locked.refresh_from_db()
    return locked


def org_import_apply(*, org_import_id: int, on_progress=None) -> OrgImport:
    """The job: checks the kept file again against the database as it is now and writes it, all
    or nothing. If the organisation changed so that the file no longer fits, the import becomes
    `invalid` with the new problems and nothing is written. Running it again does nothing."""
    from employees.importing import org_file_check, plan_apply

    org_import = OrgImport.objects.get(pk=org_import_id)
    if org_import.status != ImportStatus.APPLYING:
        return org_import
    key = org_import_progress_key(org_import_id)

    def progress(percent: int) -> None:
        cache.set(key, percent, timeout=ORG_IMPORT_PROGRESS_TIMEOUT)
        if on_progress:
            on_progress(percent)

    try:
        with job_heartbeat(ORG_IMPORT_JOB, org_import_id), transaction.atomic():
            # The import's row lock serialises a job that was delivered twice.
            locked = OrgImport.objects.select_for_update().get(pk=org_import_id)
            if locked.status != ImportStatus.APPLYING:
                return locked
            plan = org_file_check(kind=locked.kind, mode=locked.mode, content=bytes(locked.content))
            if not plan.is_valid:
                locked.status = ImportStatus.INVALID
                locked.errors = [error.as_dict() for error in plan.errors]
                locked.error_count = plan.error_count
                locked.save(update_fields=["status", "errors", "error_count"])
                return locked
            counts = plan_apply(plan, source=f"import:{locked.pk}", actor=locked.applied_by, progress=progress)
            locked.status = ImportStatus.APPLIED
            locked.counts = counts
            locked.changes = plan.changes
            locked.progress = 100
            locked.applied_at = timezone.now()
            locked.save(update_fields=["status", "counts", "changes", "progress", "applied_at"])
    except Exception as error:
        OrgImport.objects.filter(pk=org_import_id, status=ImportStatus.APPLYING).update(
            status=ImportStatus.FAILED, failure=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    progress(100)
    return locked


def org_import_fail(*, org_import_id: int, reason: str) -> None:
    """Ends an import whose job was lost (the stuck-job sweep): nothing of it was written, since
    applying is one transaction, and the next import may apply."""
    OrgImport.objects.filter(pk=org_import_id, status=ImportStatus.APPLYING).update(
        status=ImportStatus.FAILED, failure=reason[:2000]
    )


def org_import_progress(org_import: OrgImport) -> int:
    if org_import.status == ImportStatus.APPLYING:
        return int(cache.get(org_import_progress_key(org_import.pk)) or 0)
    return 100 if org_import.status == ImportStatus.APPLIED else org_import.progress


# --- Provisioning from the organisation's identity provider (SCIM).

PROVISIONED_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "employee_number",
    "department",
    "manager",
    "is_active",
    "scim_external_id",
    "language",
)


# Indonesian's code before ISO 639 renamed it (Java and some directories still send `in-ID`).
_LANGUAGE_ALIASES = {"in": "id"}


def language_from_tag(tag: str | None) -> str:
    """Prima's language for a language tag (`id`, `id-ID`, `en`, `en-US`, `en_GB`, any case):
    "" for none (the site's language). Raises ValidationError for a language Prima does not speak."""
    tag = (tag or "").strip()
    if not tag:
        return ""
    primary = tag.replace("_", "-").partition("-")[0].lower()
    language = _LANGUAGE_ALIASES.get(primary, primary)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {
                "language": _("“%(tag)s” is not a language Prima writes in; use %(languages)s (or e.g. en-US, id-ID).")
                % {"tag": tag, "languages": ", ".join(dict(settings.LANGUAGES))}
            },
            code="invalid_language",
        )
    return language


@transaction.atomic
def employee_language_set(*, employee: User, language: str, actor: User | None = None, source: str = "profile") -> User:
    """Stores the language of the e-mails Prima sends the person ("" for the site's)."""
    language = language_from_tag(language)
    if employee.language == language:
        return employee
    before, employee.language = employee.language, language
    employee.save(update_fields=["language"])
    audit_record(
        actor=actor,
        action="employees.language",
        target=employee,
        summary=f"{employee.username}: {before or '-'} → {language or '-'} ({source})",
        data={"from": before, "to": language, "source": source},
    )
    return employee


class ProvisioningConflict(Exception):
    """The values would give a person another person's username, number or e-mail."""


@transaction.atomic
def employee_provision(*, user: User | None, values: dict, source: str, actor_label: str) -> User:
    """Creates a person (`user=None`) or sets the given fields of one, as the organisation's
    identity provider says. A move is kept in the person's history; switching someone off ends
    their tokens; every change is in the audit trail with its source."""
    from employees.models import DepartmentMove

    values = {name: value for name, value in values.items() if name in PROVISIONED_FIELDS}
    creating = user is None
    person = user or User(is_active=True)
    taken = {
        "username": _("Another person already has the username “%(value)s”."),
        "employee_number": _("Another person already has the employee number “%(value)s”."),
    }
    for name, message in taken.items():
        value = values.get(name)
        if value and User.objects.filter(**{name: value}).exclude(pk=person.pk).exists():
            raise ProvisioningConflict(message % {"value": value})
    email = values.get("email")
    if email and User.objects.filter(email__iexact=email, is_active=True).exclude(pk=person.pk).exists():
        raise ProvisioningConflict(_("The e-mail address “%(email)s” belongs to another person.") % {"email": email})
    if values.get("manager") is not None and values["manager"].pk == person.pk:
        raise ValidationError({"manager": _("An employee cannot be their own manager.")})
    before = {name: getattr(person, name) for name in values} if not creating else {}
    old_department_id = person.department_id
    for name, value in values.items():
        setattr(person, name, value)
    if creating:
        person.set_unusable_password()
    changes = {
        name: str(getattr(value, "pk", value)) if value is not None else None
        for name, value in values.items()
        if creating or before[name] != value
    }
    if not creating and not changes:
        return person
    # Uniqueness was checked above with messages of its own; the database backs it.
    person.full_clean(exclude=["password"], validate_unique=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ProvisioningConflict(_("Another person already has this username or employee number.")) from None
    if not creating and "department" in changes:
        DepartmentMove.objects.create(
            user=person, from_department_id=old_department_id, to_department_id=person.department_id, source=source
        )
    if not person.is_active:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=person).delete()
    audit_record(
        actor=None,
        actor_label=actor_label,
        action="employees.create" if creating else "employees.update",
        target=person,
        summary=person.username,
        data={"source": source, "changes": changes},
    )
    return person


def scim_token_create(*, name: str, actor=None) -> tuple[ScimToken, str]:
    """A new SCIM token: returns it with its secret, which is shown this once and stored only
    as a SHA-256."""
    import hashlib
    import secrets

    secret = secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name[:100],
        prefix=secret[:8],
        digest=hashlib.sha256(secret.encode()).hexdigest(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="employees.scim.token.create", target=token, summary=token.name, actor_label="cli")
    return token, secret


def scim_token_revoke(*, token: ScimToken, actor=None) -> ScimToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="employees.scim.token.revoke", target=token, summary=token.name, actor_label="cli"
        )
    return token
