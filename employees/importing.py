"""The organisation file: departments and people, checked completely before anything is written.

Formats (README, "Organisation import"):
- departments: code,name,parent_code,is_service_unit            (code and name required)
- people:      employee_number,first_name,last_name,email,department_code,
               manager_employee_number,role,hire_date,monthly_wage,sex,active
               (employee_number, first_name and department_code required)
Columns may come in any order and are matched without regard to case; a column left out leaves
that field as it is; a column that is not in the format is refused by name.

`org_file_check` reads the file and the database and returns a `Plan`: every problem (row,
column, message) and every change it would make. It writes nothing. `plan_apply` writes a plan
that has no problems; the caller holds the transaction (see `services.org_import_apply`).
Rows are matched by `code` and `employee_number`; nobody is ever deleted.
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from core.uploads import UploadLimits, UploadProblem, UploadRefused, is_blank, open_rows
from employees.models import Department, ImportKind, ImportMode, Role, Sex, User

DEPARTMENT_COLUMNS = ("code", "name", "parent_code", "is_service_unit")
DEPARTMENT_REQUIRED = ("code", "name")
PEOPLE_COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "department_code",
    "manager_employee_number",
    "role",
    "hire_date",
    "monthly_wage",
    "sex",
    "active",
)
PEOPLE_REQUIRED = ("employee_number", "first_name", "department_code")
COLUMNS = {ImportKind.DEPARTMENTS: DEPARTMENT_COLUMNS, ImportKind.PEOPLE: PEOPLE_COLUMNS}
REQUIRED = {ImportKind.DEPARTMENTS: DEPARTMENT_REQUIRED, ImportKind.PEOPLE: PEOPLE_REQUIRED}

MAX_ERRORS_KEPT = 1_000  # every problem is counted; the first thousand are kept to show
MAX_CHANGES_KEPT = 200  # the preview lists the first changes; counts cover them all
WRITE_BATCH = 2_000  # rows per bulk statement: one round trip each, a few MB of parameters
WAGE_DIGITS, WAGE_PLACES = 14, 2  # core.money.MoneyField
EMPLOYEE_NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")  # also a valid username

TRUE_WORDS = {"1", "true", "yes", "y", "ya"}
FALSE_WORDS = {"0", "false", "no", "n", "tidak"}
SEX_WORDS = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "p": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "wanita": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "l": Sex.MALE,
    "laki-laki": Sex.MALE,
    "pria": Sex.MALE,
}
# The fields an import may change on a person, in the order the preview lists them.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "department_id",
    "manager_number",
    "role",
    "hire_date",
    "monthly_wage",
    "sex",
    "is_active",
)
COLUMN_OF_FIELD = {
    "department_id": "department_code",
    "manager_number": "manager_employee_number",
    "is_active": "active",
}

ProgressCallback = Callable[[int], None]


class CellError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class Plan:
    """What a file would do. `creates`, `updates` and `deactivations` are only meaningful
    when `errors` is empty."""

    kind: str
    mode: str
    file_format: str = ""
    rows_total: int = 0
    errors: list[UploadProblem] = field(default_factory=list)
    error_count: int = 0
    notes: list[str] = field(default_factory=list)
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[int, dict]] = field(default_factory=list)  # (pk, {field: new value})
    deactivations: list[int] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # the preview: first rows that change
    counts: dict = field(
        default_factory=lambda: {
            "created": 0,
            "updated": 0,
            "moved": 0,
            "deactivated": 0,
            "reactivated": 0,
            "unchanged": 0,
        }
    )

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(UploadProblem(row, column, message))

    def change(self, row: int, key: str, action: str, fields: dict) -> None:
        if len(self.changes) < MAX_CHANGES_KEPT:
            self.changes.append({"row": row, "key": key, "action": action, "fields": _shown(fields)})


# --- Cells.


def _text(value, *, column: str, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Expected text, found the number %(value)s.") % {"value": value})
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": max_length})
    return text


def _employee_number(value) -> str:
    if isinstance(value, float):
        # Excel keeps numbers as doubles: an 18-digit NIP typed as a number has lost digits.
        raise CellError(_("The employee number is stored as a number: format the column as text and type it again."))
    text = _text(value, column="employee_number", max_length=32)
    if not text:
        raise CellError(_("The employee number is required."))
    if not EMPLOYEE_NUMBER_PATTERN.match(text):
        raise CellError(_("Use letters, digits, “.”, “-” or “_” only, starting with a letter or digit."))
    return text


def _boolean(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Expected 1 or 0, found “%(value)s”.") % {"value": str(value)[:40]})


def _date(value) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, for example 2024-01-31.") % {"value": str(value)[:40]}
        ) from None


def _wage(value) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Expected an amount in rupiah."))
    text = str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not an amount: write rupiah as digits with a decimal point, for example 7500000.00.")
            % {"value": text[:40]}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise CellError(_("The wage cannot be negative."))
    amount = amount.quantize(Decimal("0.01")) if amount.as_tuple().exponent < -WAGE_PLACES else amount
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("At most two decimal places."))
    if amount >= Decimal(10) ** (WAGE_DIGITS - WAGE_PLACES):
        raise CellError(_("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def _role(value) -> str | None:
    if is_blank(value):
        return None
    word = str(value).strip().lower()
    if word not in Role.values:
        raise CellError(
            _("Unknown role “%(value)s”: use one of %(roles)s.")
            % {"value": str(value)[:40], "roles": ", ".join(Role.values)}
        )
    return word


def _sex(value) -> str:
    if is_blank(value):
        return ""
    word = str(value).strip().lower()
    if word not in SEX_WORDS:
        raise CellError(_("Unknown sex “%(value)s”: use female or male.") % {"value": str(value)[:40]})
    return SEX_WORDS[word]


_email_validator = EmailValidator()


def _email(value) -> str:
    text = _text(value, column="email", max_length=254)
    if not text:
        return ""
    try:
        _email_validator(text)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text[:60]}) from None
    return text


def _code(value) -> str:
    text = _text(value, column="code", max_length=32)
    if text and not re.fullmatch(r"[-a-zA-Z0-9_]+", text):
        raise CellError(_("Use letters, digits, “-” and “_” only."))
    return text


# --- Reading the file.


def _read(plan: Plan, content: bytes, limits: UploadLimits) -> Iterable[tuple[int, dict]]:
    """(row, {column: raw cell}) for every data row; problems with the file as a whole go to
    `plan` and end the reading."""
    try:
        table = open_rows(content, limits)
    except UploadRefused as refused:
        for problem in refused.problems:
            plan.error(problem.row, problem.column, problem.message)
        return
    plan.file_format = table.file_format
    plan.notes.extend(table.notes)
    allowed, required = COLUMNS[plan.kind], REQUIRED[plan.kind]
    duplicates = [name for name, seen in Counter(table.header).items() if seen > 1 and name]
    unknown = [raw for raw, name in zip(table.raw_header, table.header, strict=True) if name not in allowed]
    missing = [name for name in required if name not in table.header]
    for name in duplicates:
        plan.error(1, name, _("The column “%(name)s” appears more than once.") % {"name": name})
    for raw in unknown:
        plan.error(
            1,
            raw,
            _("Unknown column “%(name)s”: a %(kind)s file takes %(columns)s.")
            % {"name": raw, "kind": ImportKind(plan.kind).label.lower(), "columns": ",".join(allowed)},
        )
    for name in missing:
        plan.error(1, name, _("The required column “%(name)s” is missing.") % {"name": name})
    if plan.error_count:
        return
    positions = list(enumerate(table.header))
    width = len(positions)
    try:
        for number, cells in table.rows():
            if len(cells) > width:
                plan.error(
                    number,
                    None,
                    _(
                        "The row has %(cells)d cells but the header names %(columns)d columns (a separator inside a value?)."  # noqa: E501
                    )
                    % {"cells": len(cells), "columns": width},
                )
                continue
            yield number, {name: cells[index] if index < len(cells) else None for index, name in positions}
    except UploadRefused as refused:
        for problem in refused.problems:
            plan.error(problem.row, problem.column, problem.message)
    plan.rows_total = table.rows_read


def org_file_check(*, kind: str, mode: str, content: bytes, limits: UploadLimits | None = None) -> Plan:
    """Every problem and every change the file would make; writes nothing."""
    plan = Plan(kind=kind, mode=mode)
    limits = limits or UploadLimits()
    if kind == ImportKind.DEPARTMENTS:
        _plan_departments(plan, _read(plan, content, limits))
    else:
        _plan_people(plan, _read(plan, content, limits))
    if plan.error_count == 0 and plan.rows_total == 0:
        plan.error(None, None, _("The file has a header but no rows."))
    if plan.error_count:
        plan.creates, plan.updates, plan.deactivations = [], [], []
    return plan


def _cell(plan: Plan, row: int, column: str, parse, value):
    try:
        return parse(value)
    except CellError as error:
        plan.error(row, column, error.message)
        return None


# --- Departments.


def _plan_departments(plan: Plan, rows: Iterable[tuple[int, dict]]) -> None:
    existing = {
        code: (pk, name, parent_code, service)
        for pk, code, name, parent_code, service in Department.objects.values_list(
            "pk", "code", "name", "parent__code", "is_service_unit"
        )
    }
    seen: dict[str, int] = {}
    parsed = []

    for row, cells in rows:
        code = _cell(plan, row, "code", _code, cells.get("code"))
        name = _cell(plan, row, "name", lambda v: _text(v, column="name", max_length=150), cells.get("name"))
        parent_code = (
            _cell(plan, row, "parent_code", _code, cells.get("parent_code")) if "parent_code" in cells else None
        )
        service = _cell(plan, row, "is_service_unit", _boolean, cells.get("is_service_unit"))
        if code is None or name is None:
            continue
        if not code:
            plan.error(row, "code", _("The department code is required."))
            continue
        if not name:
            plan.error(row, "name", _("The department name is required."))
        if code in seen:
            plan.error(
                row, "code", _("The code “%(code)s” is already on row %(row)d.") % {"code": code, "row": seen[code]}
            )
            continue
        seen[code] = row
        if parent_code == code:
            plan.error(row, "parent_code", _("A department cannot be its own parent."))
        parsed.append((row, code, name, parent_code, service))
    if plan.error_count:
        return
    # The tree as it will be: the database's, with the file's rows laid over it.
    parent_of = {code: parent_code for code, (_pk, _n, parent_code, _s) in existing.items()}
    for _row, code, _name, parent_code, _service in parsed:
        if parent_code is not None:
            parent_of[code] = parent_code or None
    for row, _department_code, _name, parent_code, _service in parsed:
        if parent_code and parent_code not in parent_of:
            plan.error(row, "parent_code", _("Unknown department code “%(code)s”.") % {"code": parent_code})
    if plan.error_count:
        return
    for code in _cycle_members(parent_of, [item[1] for item in parsed]):
        plan.error(
            seen[code], "parent_code", _("The department tree would have a cycle through “%(code)s”.") % {"code": code}
        )
    if plan.error_count:
        return
    for row, code, name, parent_code, service in parsed:
        if code not in existing:
            plan.creates.append(
                {
                    "row": row,
                    "code": code,
                    "name": name,
                    "parent_code": parent_code or None,
                    "is_service_unit": bool(service),
                }
            )
            plan.counts["created"] += 1
            plan.change(row, code, "created", {"name": name, "parent_code": parent_code or ""})
            continue
        pk, old_name, old_parent, old_service = existing[code]
        changes = {}
        if name != old_name:
            changes["name"] = name
        if parent_code is not None and (parent_code or None) != old_parent:
            changes["parent_code"] = parent_code or None
        if service is not None and service != old_service:
            changes["is_service_unit"] = service
        if not changes:
            plan.counts["unchanged"] += 1
            continue
        plan.updates.append((pk, changes))
        moved = "parent_code" in changes
        plan.counts["moved" if moved else "updated"] += 1
        plan.change(
            row, code, "moved" if moved else "updated", {k: v if v is not None else "" for k, v in changes.items()}
        )


def _cycle_members(parent_of: dict[str, str | None], starts: Iterable[str]) -> list[str]:
    """The codes on a cycle of `parent_of` reachable from `starts` (each cycle named once)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found = []
    for start in starts:
        path, node = [], start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            found.append(node)
        for visited in path:
            state[visited] = 2
    return found


# --- People.


@dataclass
class _Person:
    row: int
    number: str
    values: dict  # field -> new value, only for the columns the file has


def _plan_people(plan: Plan, rows: Iterable[tuple[int, dict]]) -> None:
    departments = dict(Department.objects.values_list("code", "pk"))
    people: list[_Person] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        number = _cell(plan, row, "employee_number", _employee_number, cells.get("employee_number"))
        values = {}
        parsers = {
            "first_name": ("first_name", lambda v: _text(v, column="first_name", max_length=150)),
            "last_name": ("last_name", lambda v: _text(v, column="last_name", max_length=150)),
            "email": ("email", _email),
            "manager_employee_number": (
                "manager_number",
                lambda v: "" if is_blank(v) else _employee_number(v),
            ),
            "role": ("role", _role),
            "hire_date": ("hire_date", _date),
            "monthly_wage": ("monthly_wage", _wage),
            "sex": ("sex", _sex),
            "active": ("is_active", _boolean),
        }
        failed = False
        for column, (name, parse) in parsers.items():
            if column not in cells:
                continue
            try:
                values[name] = parse(cells[column])
            except CellError as error:
                plan.error(row, column, error.message)
                failed = True
        if "first_name" in values and not values["first_name"]:
            plan.error(row, "first_name", _("The first name is required."))
            failed = True
        code = _cell(plan, row, "department_code", _code, cells.get("department_code"))
        if code is not None:
            if not code:
                plan.error(row, "department_code", _("The department code is required."))
                failed = True
            elif code not in departments:
                plan.error(row, "department_code", _("Unknown department code “%(code)s”.") % {"code": code})
                failed = True
            else:
                values["department_id"] = departments[code]
        if number is None:
            continue
        if number in seen:
            plan.error(
                row,
                "employee_number",
                _("The employee number “%(number)s” is already on row %(row)d.")
                % {"number": number, "row": seen[number]},
            )
            continue
        seen[number] = row
        if values.get("manager_number") == number:
            plan.error(row, "manager_employee_number", _("A person cannot be their own manager."))
            failed = True
        if not failed:
            people.append(_Person(row, number, values))
    if plan.error_count:
        return
    _plan_people_against_database(plan, people)


def _plan_people_against_database(plan: Plan, people: list[_Person]) -> None:
    existing = {
        number: record
        for number, *record in User.objects.filter(employee_number__isnull=False).values_list(
            "employee_number",
            "pk",
            "first_name",
            "last_name",
            "email",
            "department_id",
            "manager__employee_number",
            "role",
            "hire_date",
            "monthly_wage",
            "sex",
            "is_active",
            "is_superuser",
        )
    }
    in_file = {person.number: person for person in people}
    # Deactivations: with mode=full, people with an employee number who are not in the file.
    # Superusers are the break-glass accounts and are never switched off by a file.
    leaving = set()
    if plan.mode == ImportMode.FULL:
        leaving = {
            number
            for number, record in existing.items()
            if number not in in_file and record[10] and not record[11]  # active, not a superuser
        }

    def final_active(number: str) -> bool:
        if number in in_file:
            return (
                in_file[number].values.get("is_active", existing[number][10] if number in existing else True)
                is not False
            )
        return number in existing and existing[number][10] and number not in leaving

    # Managers: known, active, and no cycle in the chain as it will be.
    manager_of = {number: record[5] for number, record in existing.items()}
    for person in people:
        if "manager_number" in person.values:
            manager_of[person.number] = person.values["manager_number"] or None
    for person in people:
        manager = person.values.get("manager_number")
        if not manager:
            continue
        if manager not in in_file and manager not in existing:
            plan.error(
                person.row,
                "manager_employee_number",
                _("No person has the employee number “%(number)s”.") % {"number": manager},
            )
        elif not final_active(manager) and final_active(person.number):
            plan.error(
                person.row,
                "manager_employee_number",
                _("The manager “%(number)s” would not be active.") % {"number": manager},
            )
    if plan.error_count:
        return
    rows_of = {person.number: person.row for person in people}
    for number in _cycle_members(manager_of, [person.number for person in people]):
        plan.error(
            rows_of.get(number),
            "manager_employee_number",
            _("The management chain would have a cycle through “%(number)s”.") % {"number": number},
        )
    # E-mail addresses: unique among the people who will be active, whatever their source.
    final_email: dict[str, str] = {}
    for pk, number, email, active in User.objects.exclude(email="").values_list(
        "pk", "employee_number", "email", "is_active"
    ):
        key = number if number is not None else f"pk:{pk}"
        if active and (number is None or number not in leaving):
            final_email[key] = email.lower()
    for person in people:
        if "email" in person.values:
            final_email.pop(person.number, None)
            if person.values["email"] and final_active(person.number):
                final_email[person.number] = person.values["email"].lower()
        elif not final_active(person.number):
            final_email.pop(person.number, None)
    holders: dict[str, list[str]] = {}
    for key, email in final_email.items():
        holders.setdefault(email, []).append(key)
    for email, keys in holders.items():
        if len(keys) < 2:
            continue
        for key in keys:
            if key in in_file:
                plan.error(
                    in_file[key].row,
                    "email",
                    _("The e-mail address “%(email)s” belongs to another person.") % {"email": email},
                )
    # New people sign in by their employee number; it must not be someone else's username.
    new_numbers = [person.number for person in people if person.number not in existing]
    taken = set()
    for start in range(0, len(new_numbers), WRITE_BATCH):
        taken |= set(
            User.objects.filter(username__in=new_numbers[start : start + WRITE_BATCH]).values_list(
                "username", flat=True
            )
        )
    for number in sorted(taken):
        plan.error(
            in_file[number].row,
            "employee_number",
            _("The employee number “%(number)s” is another account's username.") % {"number": number},
        )
    if plan.error_count:
        return
    for person in people:
        if person.number not in existing:
            plan.creates.append({"row": person.row, "employee_number": person.number, **person.values})
            plan.counts["created"] += 1
            plan.change(person.row, person.number, "created", person.values)
            continue
        record = existing[person.number]
        current = dict(zip(PERSON_FIELDS, record[1:11], strict=True))
        changes = {name: value for name, value in person.values.items() if _differs(current[name], value)}
        if "is_active" in changes and changes["is_active"] is None:
            changes.pop("is_active")
        if not changes:
            plan.counts["unchanged"] += 1
            continue
        plan.updates.append((record[0], changes))
        if changes.get("is_active") is True:
            action = "reactivated"
        elif changes.get("is_active") is False:
            action = "deactivated"
        elif "department_id" in changes:
            action = "moved"
        else:
            action = "updated"
        plan.counts[action] += 1
        plan.change(person.row, person.number, action, changes)
    for number in sorted(leaving):
        plan.deactivations.append(existing[number][0])
        plan.counts["deactivated"] += 1
        plan.change(0, number, "deactivated", {})


def _differs(old, new) -> bool:
    if new is None and old in (None, ""):
        return False
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old != new
    return (old if old is not None else "") != (new if new is not None else "")


def _shown(values: dict) -> dict:
    """A change as the preview shows it: columns as the file names them, values as text."""
    shown = {}
    for name, value in values.items():
        if name == "department_id":
            value = Department.objects.filter(pk=value).values_list("code", flat=True).first() or value
        shown[COLUMN_OF_FIELD.get(name, name)] = (
            "" if value is None else str(int(value) if isinstance(value, bool) else value)
        )
    return shown


# --- Writing a plan.


def plan_apply(plan: Plan, *, source: str, actor=None, progress: ProgressCallback | None = None) -> dict:
    """Writes `plan` (which must have no problems). Call inside a transaction. Returns the
    counts. Every changed row gets an audit entry naming `source`."""
    from core.models import AuditEntry

    assert plan.is_valid, "a plan with problems is never written"
    total = max(len(plan.creates) + len(plan.updates) + len(plan.deactivations), 1)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(99, done * 100 // total))

    audit: list[AuditEntry] = []
    actor_fields = {
        "actor": actor if getattr(actor, "pk", None) else None,
        "actor_username": getattr(actor, "username", "") or "",
    }
    if plan.kind == ImportKind.DEPARTMENTS:
        _apply_departments(plan, audit, actor_fields, source, step)
    else:
        _apply_people(plan, audit, actor_fields, source, step)
    for start in range(0, len(audit), WRITE_BATCH):
        AuditEntry.objects.bulk_create(audit[start : start + WRITE_BATCH])
    return dict(plan.counts)


def _entry(actor_fields: dict, action: str, target_type: str, target_id, summary: str, data: dict):
    from core.models import AuditEntry

    return AuditEntry(
        **actor_fields,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        data=data,
    )


def _jsonable(values: dict) -> dict:
    return {key: (str(value) if isinstance(value, Decimal | dt.date) else value) for key, value in values.items()}


def _apply_departments(plan: Plan, audit: list, actor_fields: dict, source: str, step) -> None:
    from employees.services import department_paths_rebuild

    created = Department.objects.bulk_create(
        [
            Department(code=item["code"], name=item["name"], is_service_unit=item["is_service_unit"])
            for item in plan.creates
        ],
        batch_size=WRITE_BATCH,
    )
    step(len(created))
    ids = dict(Department.objects.values_list("code", "pk"))
    parents = []
    for department, item in zip(created, plan.creates, strict=True):
        department.pk = department.pk or ids[department.code]
        if item["parent_code"]:
            department.parent_id = ids[item["parent_code"]]
            parents.append(department)
        audit.append(
            _entry(
                actor_fields,
                "employees.department.create",
                "employees.department",
                department.pk,
                department.code,
                {"source": source},
            )
        )
    Department.objects.bulk_update(parents, ["parent"], batch_size=WRITE_BATCH)
    by_pk = Department.objects.in_bulk([pk for pk, _changes in plan.updates])
    changed = []
    for pk, changes in plan.updates:
        department = by_pk[pk]
        for name, value in changes.items():
            if name == "parent_code":
                department.parent_id = ids[value] if value else None
            else:
                setattr(department, name, value)
        changed.append(department)
        audit.append(
            _entry(
                actor_fields,
                "employees.department.update",
                "employees.department",
                pk,
                department.code,
                {"source": source, "changes": _jsonable(changes)},
            )
        )
    Department.objects.bulk_update(changed, ["name", "parent", "is_service_unit"], batch_size=WRITE_BATCH)
    step(len(changed))
    if parents or any("parent_code" in changes for _pk, changes in plan.updates) or created:
        department_paths_rebuild()


def _apply_people(plan: Plan, audit: list, actor_fields: dict, source: str, step) -> None:
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from employees.models import DepartmentMove

    scalar = (
        "first_name",
        "last_name",
        "email",
        "department_id",
        "role",
        "hire_date",
        "monthly_wage",
        "sex",
        "is_active",
    )
    new_people = []
    for item in plan.creates:
        values = {name: item[name] for name in scalar if name in item and item[name] is not None}
        values.setdefault("is_active", True)
        new_people.append(
            User(
                username=item["employee_number"],
                employee_number=item["employee_number"],
                password=make_password(None),
                **values,
            )
        )
    for start in range(0, len(new_people), WRITE_BATCH):
        User.objects.bulk_create(new_people[start : start + WRITE_BATCH])
        step(len(new_people[start : start + WRITE_BATCH]))
    ids = {}
    numbers = [person.employee_number for person in new_people]
    numbers += [number for _pk, changes in plan.updates if (number := changes.get("manager_number"))]
    numbers += [item["manager_number"] for item in plan.creates if item.get("manager_number")]
    unique_numbers = sorted(set(numbers))
    for start in range(0, len(unique_numbers), WRITE_BATCH):
        ids.update(
            User.objects.filter(employee_number__in=unique_numbers[start : start + WRITE_BATCH]).values_list(
                "employee_number", "pk"
            )
        )
    managed = []
    for person, item in zip(new_people, plan.creates, strict=True):
        person.pk = ids[person.employee_number]
        if item.get("manager_number"):
            person.manager_id = ids[item["manager_number"]]
            managed.append(person)
        audit.append(
            _entry(
                actor_fields,
                "employees.create",
                "employees.user",
                person.pk,
                f"{person.employee_number} ({person.role})",
                {"source": source},
            )
        )
    User.objects.bulk_update(managed, ["manager"], batch_size=WRITE_BATCH)

    moves, deactivated = [], []
    for start in range(0, len(plan.updates), WRITE_BATCH):
        batch = plan.updates[start : start + WRITE_BATCH]
        by_pk = User.objects.in_bulk([pk for pk, _changes in batch])
        changed_fields: set[str] = set()
        people = []
        for pk, changes in batch:
            person = by_pk[pk]
            for name, value in changes.items():
                if name == "manager_number":
                    person.manager_id = ids[value] if value else None
                    changed_fields.add("manager")
                    continue
                if name == "department_id":
                    moves.append(
                        DepartmentMove(
                            user_id=pk, from_department_id=person.department_id, to_department_id=value, source=source
                        )
                    )
                if name == "is_active" and value is False:
                    deactivated.append(pk)
                setattr(person, name, value if value is not None else ("" if name in ("email", "sex") else None))
                changed_fields.add(name.removesuffix("_id") if name == "department_id" else name)
            people.append(person)
            audit.append(
                _entry(
                    actor_fields,
                    "employees.update",
                    "employees.user",
                    pk,
                    person.employee_number or person.username,
                    {"source": source, "changes": _jsonable(changes)},
                )
            )
        User.objects.bulk_update(people, sorted(changed_fields))
        step(len(batch))
    DepartmentMove.objects.bulk_create(moves, batch_size=WRITE_BATCH)
    for start in range(0, len(plan.deactivations), WRITE_BATCH):
        batch = plan.deactivations[start : start + WRITE_BATCH]
        User.objects.filter(pk__in=batch).update(is_active=False)
        audit.extend(
            _entry(actor_fields, "employees.deactivate", "employees.user", pk, "", {"source": source}) for pk in batch
        )
        step(len(batch))
    leavers = deactivated + plan.deactivations
    for start in range(0, len(leavers), WRITE_BATCH):
        # Sessions of an inactive person no longer authenticate; their API tokens are removed.
        Token.objects.filter(user_id__in=leavers[start : start + WRITE_BATCH]).delete()
