"""SCIM 2.0 provisioning (RFC 7643, RFC 7644) at `/scim/v2/`, so that an identity provider
creates, updates and deactivates people by itself.

- `Users` are Prima people, with the enterprise extension: `employeeNumber`, `department` (a
  department code, or else its exact name) and `manager` (the manager's SCIM id).
  `preferredLanguage` is the language of the e-mails Prima sends them: a tag such as `id`,
  `id-ID`, `en` or `en-US` is stored as Prima's `id` or `en`; another language is refused.
- `Groups` are departments: `displayName` is the department's name, `externalId` its code, and
  `members` the people in it. Adding a member moves that person into the department; removing
  one leaves them without a department. Departments hold history and are never deleted.
- `DELETE /Users/{id}` deactivates: nobody is deleted (leave ledger, bonuses and audit stay).
- Authentication: a bearer token HR made for the purpose (`manage.py scim_token create NAME`),
  stored as its SHA-256, revocable; every request is in the audit trail. A missing or unknown
  token is a 401; an employee's API token is a 403.
Resources are validated, serialised and patched with scim2-models; filters are parsed by it and
translated here into database queries.
"""

import functools
import hashlib
import json

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    ForbiddenException,
    Group,
    GroupMember,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    Manager,
    Meta,
    MutabilityException,
    Name,
    NotFoundException,
    NotImplementedException,
    PatchOp,
    PayloadTooLargeException,
    ResourceType,
    SCIMException,
    ScimFilter,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    UniquenessException,
)
from scim2_models import Email as ScimEmail
from scim2_models import Patch as PatchSupport
from scim2_models import User as ScimUserBase
from scim2_models.path import CompareOperator, Comparison, LogicalExpr, LogicalOperator, Not, Present, ValuePath
from scim2_models.path.visitor import FilterVisitor

from core.audit import audit_record
from employees import services
from employees.models import Department, ScimToken, User

ScimUser = ScimUserBase[EnterpriseUser]
SCIM_CONTENT_TYPE = "application/scim+json"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1_000
MAX_BODY_BYTES = 1024 * 1024


class MethodNotAllowed(SCIMException):
    status = 405


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Answers.


def _json(payload: dict, status: int = 200, location: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=SCIM_CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def _error(error: SCIMException) -> HttpResponse:
    return _json(error.to_error().model_dump(), status=error.status)


def _base(request) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


# --- Authentication and the audit trail.


def _authenticate(request) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if not credential or scheme.lower() not in ("bearer", "token"):
        raise UnauthorizedException(detail="A SCIM bearer token is required.")
    token = ScimToken.objects.filter(digest=token_digest(credential), revoked_at__isnull=True).first()
    if token is not None and scheme.lower() == "bearer":
        return token
    from rest_framework.authtoken.models import Token

    if Token.objects.filter(key=credential[:40], user__is_active=True).exists():
        raise ForbiddenException(detail="This token is a person's API token; SCIM needs a SCIM token.")
    raise UnauthorizedException(detail="The token is unknown or revoked.")


def scim_view(handler):
    """Authenticates the token, turns every error into a SCIM error body and records the use."""

    @csrf_exempt
    @functools.wraps(handler)
    def view(request, *args, **kwargs):
        token = None
        try:
            token = _authenticate(request)
            if len(request.body) > MAX_BODY_BYTES:
                raise PayloadTooLargeException(detail="The request body is too large.")
            response = handler(request, token, *args, **kwargs)
        except SCIMException as error:
            response = _error(error)
        except ValidationError as error:
            response = _error(InvalidValueException(detail=_first_problem(error)))
        except (json.JSONDecodeError, UnicodeDecodeError):
            response = _error(InvalidSyntaxException(detail="The body is not JSON."))
        if token is not None:
            ScimToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            audit_record(
                actor=None,
                actor_label=f"scim:{token.name}",
                action="employees.scim.request",
                summary=f"{request.method} {request.path} → {response.status_code}",
                data={"token": token.prefix, "status": response.status_code},
            )
        return response

    return view


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in problem.get("loc", ()))
    return f"{where}: {problem.get('msg', 'invalid value')}" if where else str(problem.get("msg", "invalid value"))


def _body(request) -> dict:
    payload = json.loads(request.body.decode("utf-8") or "{}")
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return payload


# --- People.


def _user_resource(user: User, base: str) -> ScimUser:
    resource = ScimUser(
        id=str(user.pk),
        external_id=user.scim_external_id or None,
        user_name=user.username,
        display_name=user.get_full_name() or None,
        name=Name(given_name=user.first_name or None, family_name=user.last_name or None),
        # Built without validation: an address Prima holds is shown as it is, whatever its domain.
        emails=[ScimEmail.model_construct(value=user.email, primary=True)] if user.email else None,
        active=user.is_active,
        preferred_language=user.language or None,
        meta=Meta(
            resource_type="User",
            created=user.date_joined,
            last_modified=user.date_joined,
            location=f"{base}/Users/{user.pk}",
        ),
    )
    resource[EnterpriseUser] = EnterpriseUser(
        employee_number=user.employee_number or None,
        department=user.department.code if user.department_id else None,
        manager=Manager(value=str(user.manager_id), ref=f"{base}/Users/{user.manager_id}") if user.manager_id else None,
    )
    return resource


def _dump(resource, context=Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return resource.model_dump(scim_ctx=context)


def _users():
    return User.objects.select_related("department").order_by("pk")


def _department_of(value: str | None) -> Department | None:
    if not value:
        return None
    department = Department.objects.filter(code=value).first() or Department.objects.filter(name=value).first()
    if department is None:
        raise InvalidValueException(detail=f"No department has the code or name “{value}”.")
    return department


def _values_of(resource: ScimUser) -> dict:
    """The fields of a Prima person that a SCIM User sets."""
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    email = ""
    if resource.emails:
        primary = [item for item in resource.emails if item.primary] or resource.emails
        email = str(primary[0].value or "")
    manager = None
    if enterprise.manager and enterprise.manager.value:
        manager = User.objects.filter(pk=_int_id(enterprise.manager.value)).first()
        if manager is None:
            raise InvalidValueException(detail=f"No user has the id “{enterprise.manager.value}” (manager).")
    try:
        language = services.language_from_tag(resource.preferred_language)
    except services.ValidationError as error:
        raise InvalidValueException(detail=f"preferredLanguage: {'; '.join(error.messages)}") from None
    return {
        "username": resource.user_name,
        "first_name": (resource.name.given_name if resource.name else None) or "",
        "last_name": (resource.name.family_name if resource.name else None) or "",
        "email": email,
        "employee_number": enterprise.employee_number or None,
        "department": _department_of(enterprise.department),
        "manager": manager,
        "is_active": True if resource.active is None else bool(resource.active),
        "scim_external_id": resource.external_id or "",
        "language": language,
    }


def _int_id(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise NotFoundException(detail=f"No resource has the id “{value}”.") from None


def _save_person(user: User | None, values: dict, token: ScimToken) -> User:
    try:
        return services.employee_provision(user=user, values=values, source="scim", actor_label=f"scim:{token.name}")
    except services.ProvisioningConflict as conflict:
        raise UniquenessException(detail=str(conflict)) from None
    except services.ValidationError as error:
        raise InvalidValueException(detail="; ".join(error.messages)) from None


@scim_view
def users(request, token):
    base = _base(request)
    if request.method == "GET":
        return _list(request, _users(), USER_ATTRIBUTES, lambda user: _user_resource(user, base), ScimUser)
    if request.method == "POST":
        resource = ScimUser.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        user = _save_person(None, _values_of(resource), token)
        created = _user_resource(user, base)
        return _json(_dump(created, Context.RESOURCE_CREATION_RESPONSE), status=201, location=created.meta.location)
    return _error(MethodNotAllowed(detail="Use GET or POST."))


@scim_view
def user_detail(request, token, pk: str):
    base = _base(request)
    user = _users().filter(pk=_int_id(pk)).first()
    if user is None:
        raise NotFoundException(detail=f"No user has the id “{pk}”.")
    if request.method == "GET":
        return _json(_dump(_user_resource(user, base)))
    if request.method == "PUT":
        resource = ScimUser.model_validate(_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        user = _save_person(user, _values_of(resource), token)
        return _json(_dump(_user_resource(user, base), Context.RESOURCE_REPLACEMENT_RESPONSE))
    if request.method == "PATCH":
        patch = PatchOp[ScimUser].model_validate(_body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        resource = _user_resource(user, base)
        if patch.patch(resource):
            user = _save_person(user, _values_of(resource), token)
        return _json(_dump(_user_resource(user, base), Context.RESOURCE_PATCH_RESPONSE))
    if request.method == "DELETE":
        services.employee_deactivate(user=user, actor=None, source="scim")
        return HttpResponse(status=204)
    return _error(MethodNotAllowed(detail="Use GET, PUT, PATCH or DELETE."))


# --- Departments as groups.


def _group_resource(department: Department, base: str, *, with_members: bool = True) -> Group:
    members = None
    if with_members:
        members = [
            GroupMember(value=str(pk), display=username, ref=f"{base}/Users/{pk}", type="User")
            for pk, username in department.members.order_by("pk").values_list("pk", "username")
        ]
    return Group(
        id=str(department.pk),
        external_id=department.code,
        display_name=department.name,
        members=members or None,
        meta=Meta(resource_type="Group", location=f"{base}/Groups/{department.pk}"),
    )


@scim_view
def groups(request, token):
    base = _base(request)
    if request.method == "GET":
        with_members = "members" not in request.GET.get("excludedAttributes", "")
        return _list(
            request,
            Department.objects.order_by("pk"),
            GROUP_ATTRIBUTES,
            lambda department: _group_resource(department, base, with_members=with_members),
            Group,
        )
    if request.method == "POST":
        resource = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        code = resource.external_id or ""
        if not code:
            raise InvalidValueException(detail="externalId (the department code) is required.")
        if Department.objects.filter(code=code).exists():
            raise UniquenessException(detail=f"A department has the code “{code}”.")
        try:
            department = services.department_create(name=resource.display_name or code, code=code)
        except services.ValidationError as error:
            raise InvalidValueException(detail="; ".join(error.messages)) from None
        _move_members(department, set(), _member_ids(resource), token)
        created = _group_resource(department, base)
        return _json(_dump(created, Context.RESOURCE_CREATION_RESPONSE), status=201, location=created.meta.location)
    return _error(MethodNotAllowed(detail="Use GET or POST."))


def _member_ids(resource: Group) -> set[int]:
    return {_int_id(member.value) for member in resource.members or [] if member.value}


@scim_view
def group_detail(request, token, pk: str):
    base = _base(request)
    department = Department.objects.filter(pk=_int_id(pk)).first()
    if department is None:
        raise NotFoundException(detail=f"No group has the id “{pk}”.")
    if request.method == "GET":
        return _json(_dump(_group_resource(department, base)))
    if request.method in ("PATCH", "PUT"):
        before = _group_resource(department, base)
        if request.method == "PATCH":
            patch = PatchOp[Group].model_validate(_body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
            after = before.model_copy(deep=True)
            patch.patch(after)
        else:
            after = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        if after.display_name and after.display_name != department.name:
            services.department_update(department=department, name=after.display_name)
        _move_members(department, _member_ids(before), _member_ids(after), token)
        return _json(_dump(_group_resource(department, base)))
    if request.method == "DELETE":
        raise MutabilityException(detail="A department holds history and is never deleted.")
    return _error(MethodNotAllowed(detail="Use GET, PATCH, PUT or DELETE."))


def _move_members(department: Department, before: set[int], after: set[int], token: ScimToken) -> None:
    joining = after - before
    found = {user.pk: user for user in User.objects.filter(pk__in=joining)}
    if missing := joining - set(found):
        raise InvalidValueException(detail=f"No user has the id “{min(missing)}”.")
    with transaction.atomic():
        for user in found.values():
            services.employee_provision(
                user=user, values={"department": department}, source="scim", actor_label=f"scim:{token.name}"
            )
        for user in User.objects.filter(pk__in=before - after, department=department):
            services.employee_provision(
                user=user, values={"department": None}, source="scim", actor_label=f"scim:{token.name}"
            )


# --- Lists, filters, pagination.

USER_ATTRIBUTES = {
    "id": "pk",
    "username": "username",
    "externalid": "scim_external_id",
    "displayname": "first_name",
    "name.givenname": "first_name",
    "name.familyname": "last_name",
    "emails": "email",
    "emails.value": "email",
    "active": "is_active",
    "preferredlanguage": "language",
    "employeenumber": "employee_number",
    "department": "department__code",
    "manager": "manager_id",
    "manager.value": "manager_id",
    "meta.created": "date_joined",
}
GROUP_ATTRIBUTES = {
    "id": "pk",
    "displayname": "name",
    "externalid": "code",
    "members": "members__pk",
    "members.value": "members__pk",
}
CASE_INSENSITIVE = {"username", "email", "first_name", "last_name", "name", "department__code"}
LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


class _QueryVisitor(FilterVisitor[Q]):
    """A parsed SCIM filter as a Django Q over the resource's table."""

    def __init__(self, attributes: dict[str, str]):
        self.attributes = attributes

    def _field(self, path) -> str:
        key = path.attr.lower() + (f".{path.sub_attr.lower()}" if path.sub_attr else "")
        if key not in self.attributes:
            raise InvalidFilterException(detail=f"Filtering on “{path}” is not supported.")
        return self.attributes[key]

    def visit_comparison(self, node: Comparison) -> Q:
        field = self._field(node.attr_path)
        value = node.value
        if field in ("pk", "manager_id", "members__pk"):
            try:
                value = int(str(value))
            except ValueError:
                return Q(pk__in=[])
        lookup = LOOKUPS.get(node.op, "exact")
        if field in CASE_INSENSITIVE and lookup in ("exact", "contains", "startswith", "endswith"):
            lookup = f"i{lookup}"
        if node.op == CompareOperator.ne:
            return ~Q(**{f"{field}__{'iexact' if field in CASE_INSENSITIVE else 'exact'}": value})
        return Q(**{f"{field}__{lookup}": value})

    def visit_present(self, node: Present) -> Q:
        field = self._field(node.attr_path)
        return Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""}) if field not in ("pk", "is_active") else Q()

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.term)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined = combined & term if node.op == LogicalOperator.and_ else combined | term
        return combined

    def visit_value_path(self, node: ValuePath) -> Q:
        raise InvalidFilterException(detail="Value selections in filters are not supported.")


def _list(request, queryset, attributes: dict[str, str], to_resource, model) -> HttpResponse:
    text = request.GET.get("filter", "").strip()
    if text:
        try:
            parsed = ScimFilter[model](text)
        except SCIMException:
            raise
        except ValueError as error:
            raise InvalidFilterException(detail=str(error)) from None
        queryset = queryset.filter(_QueryVisitor(attributes).visit(parsed.ast)).distinct()
    try:
        start = max(int(request.GET.get("startIndex", 1)), 1)
        count = min(max(int(request.GET.get("count", DEFAULT_PAGE_SIZE)), 0), MAX_PAGE_SIZE)
    except ValueError:
        raise InvalidValueException(detail="startIndex and count are integers.") from None
    total = queryset.count()
    page = list(queryset[start - 1 : start - 1 + count]) if count else []
    resources = [to_resource(item) for item in page]
    listing = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources or None
    )
    return _json(_dump(listing))


# --- Discovery.


@scim_view
def service_provider_config(request, token):
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=PatchSupport(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_PAGE_SIZE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A SCIM token made by HR (manage.py scim_token create NAME).",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{_base(request)}/ServiceProviderConfig"),
    )
    return _json(_dump(config))


def _resource_types(base: str) -> list[ResourceType]:
    types = []
    for model in (ScimUser, Group):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/{resource_type.id}")
        types.append(resource_type)
    return types


def _schemas(base: str) -> list:
    schemas = []
    for model in (ScimUserBase, EnterpriseUser, Group):
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
        schemas.append(schema)
    return schemas


def _discovery(request, items: list, pk: str | None, model) -> HttpResponse:
    if pk is not None:
        for item in items:
            if item.id == pk:
                return _json(_dump(item))
        raise NotFoundException(detail=f"No resource has the id “{pk}”.")
    listing = ListResponse[model](total_results=len(items), start_index=1, items_per_page=len(items), resources=items)
    return _json(_dump(listing))


@scim_view
def resource_types(request, token, pk: str | None = None):
    return _discovery(request, _resource_types(_base(request)), pk, ResourceType)


@scim_view
def schemas(request, token, pk: str | None = None):
    from scim2_models import Schema

    return _discovery(request, _schemas(_base(request)), pk, Schema)


@scim_view
def root(request, token):
    raise NotImplementedException(detail="Use /Users, /Groups, /ServiceProviderConfig, /ResourceTypes or /Schemas.")
