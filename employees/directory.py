"""People who sign in through the organisation's directory (OpenID Connect or LDAP).

Both methods hand over a `DirectoryIdentity`; `directory_sign_in` matches it to a Prima person
by employee number, then by e-mail (never by display name), creates the person only when
`SSO_CREATE_PEOPLE` is on, refuses a deactivated person, and sets the role from the directory's
groups when `SSO_ROLE_GROUPS` maps them, recording each change in the audit trail. The
directory's language for the person (OpenID Connect's `locale`, LDAP's `preferredLanguage`)
becomes their language for e-mails when they have none yet; their own choice is kept.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.security import SIGN_IN_REFUSAL_ATTRIBUTE
from employees.models import Role, User
from employees.services import employee_language_set, language_from_tag

# When a person is in groups mapped to several roles, the widest role wins.
ROLE_PRECEDENCE = [Role.LEADERSHIP, Role.HR, Role.MANAGER, Role.EMPLOYEE]


class SignInRefused(PermissionDenied):
    """A directory sign-in that Prima does not accept. `message` is safe to show: it names no
    detail of the directory or of the token. Being a PermissionDenied, it stops Django's
    `authenticate()` from trying the next method, and the failure is counted by the lockout."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


REFUSALS = {
    "unknown": _("Your account is not known to Prima yet. Ask HR to add you to the organisation's people."),
    "deactivated": _("Your Prima account is switched off. Ask HR if you think this is a mistake."),
    "ambiguous": _("Your account matches more than one Prima person. Ask HR to correct the records."),
    "unverified": _("The sign-in could not be verified. Please try again."),
    "unreachable": _("The sign-in service cannot be reached just now. Please try again in a few minutes."),
}


def refuse(code: str) -> SignInRefused:
    return SignInRefused(code, REFUSALS[code])


def sign_in_or_refuse(request, identity: "DirectoryIdentity") -> User:
    """`directory_sign_in`, leaving a refusal's message on the request for the page."""
    try:
        return directory_sign_in(identity=identity)
    except SignInRefused as refusal:
        if request is not None:
            setattr(request, SIGN_IN_REFUSAL_ATTRIBUTE, refusal.message)
        raise


@dataclass(frozen=True)
class DirectoryIdentity:
    """What the directory says about the person signing in."""

    method: str  # "oidc" or "ldap"
    subject: str  # the directory's own id (sub, or the LDAP username)
    employee_number: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    groups: tuple[str, ...] = field(default=())
    language: str = ""  # a language tag, e.g. id-ID


def role_from_groups(groups: tuple[str, ...], mapping: dict[str, str]) -> str | None:
    """The role the groups give, or None when no mapping is configured (roles stay as HR set
    them). With a mapping, a person in no mapped group is an employee."""
    if not mapping:
        return None
    roles = {mapping[group.lower()] for group in groups if group.lower() in mapping}
    return next((role for role in ROLE_PRECEDENCE if role in roles), Role.EMPLOYEE)


def person_matching(identity: DirectoryIdentity) -> User | None:
    """The Prima person the identity belongs to: by employee number; failing that by e-mail,
    among people who have no other employee number. Deactivated people are matched too, so
    that they are told why they cannot sign in."""
    if identity.employee_number:
        person = User.objects.filter(employee_number=identity.employee_number).first()
        if person is not None:
            return person
    if not identity.email:
        return None
    candidates = list(User.objects.filter(email__iexact=identity.email)[:2])
    if len(candidates) > 1:
        raise refuse("ambiguous")
    if not candidates:
        return None
    person = candidates[0]
    if identity.employee_number and person.employee_number not in (None, "", identity.employee_number):
        return None
    return person


def _username_for(identity: DirectoryIdentity) -> str:
    base = (identity.employee_number or identity.email.split("@")[0] or identity.subject)[:140]
    username, suffix = base, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{base}-{suffix}"
    return username


def _person_create(identity: DirectoryIdentity, role: str) -> User:
    person = User(
        username=_username_for(identity),
        email=identity.email,
        first_name=identity.first_name[:150],
        last_name=identity.last_name[:150],
        employee_number=identity.employee_number or None,
        role=role,
        language=_directory_language(identity),
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    audit_record(
        actor=None,
        action="employees.create_from_directory",
        target=person,
        summary=f"{person.username} ({role}) on first sign-in through {identity.method}",
        data={"method": identity.method, "role": role},
    )
    return person


def _directory_language(identity: DirectoryIdentity) -> str:
    """The directory's language for the person as Prima's, "" when none or one Prima does not
    write in (a sign-in is never refused for it)."""
    try:
        return language_from_tag(identity.language)
    except ValidationError:
        return ""


@transaction.atomic
def directory_sign_in(*, identity: DirectoryIdentity) -> User:
    """The person `identity` signs in as, with the role their groups give. Raises
    SignInRefused for an unknown person (when people are not created on sign-in), a deactivated
    person, or an identity that matches several people."""
    role = role_from_groups(identity.groups, settings.SSO_ROLE_GROUPS)
    person = person_matching(identity)
    if person is None:
        if not settings.SSO_CREATE_PEOPLE or not (identity.employee_number or identity.email):
            raise refuse("unknown")
        return _person_create(identity, role or Role.EMPLOYEE)
    if not person.is_active:
        raise refuse("deactivated")
    if role is not None and role != person.role and not person.is_superuser:
        old_role = person.role
        person.role = role
        person.save(update_fields=["role"])
        audit_record(
            actor=None,
            action="employees.role.from_directory",
            target=person,
            summary=f"{person.username}: {old_role} → {role} from directory groups ({identity.method})",
            data={"from": old_role, "to": role, "method": identity.method},
        )
    language = _directory_language(identity)
    if language and not person.language:
        employee_language_set(employee=person, language=language, source=identity.method)
    return person
