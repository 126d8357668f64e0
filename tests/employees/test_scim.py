"""SCIM 2.0 provisioning, driven by a real SCIM client (scim2-client). Most tests send its
requests through Prima's WSGI application in this process (each test in its own transaction);
one drives a whole provisioning cycle over HTTP against the running test server."""

import httpx2
import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    Context,
    EnterpriseUser,
    Group,
    GroupMember,
    Manager,
    Name,
    PatchOp,
    PatchOperation,
    SCIMException,
    SearchRequest,
)
from scim2_models import Email as ScimEmail
from scim2_models import User as ScimUserBase

from core.models import AuditEntry
from employees.models import DepartmentMove, ScimToken, User
from employees.services import scim_token_create, scim_token_revoke

ScimUser = ScimUserBase[EnterpriseUser]
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def scim_secret(org):
    _token, secret = scim_token_create(name="entra-id")
    return secret


@pytest.fixture
def http(scim_secret):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx2.Client(
            transport=httpx2.WSGITransport(app=get_wsgi_application()),
            base_url="http://testserver/scim/v2",
            headers={"Authorization": f"Bearer {scim_secret}"},
        ) as client:
            yield client
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def scim(http, org):
    # The client checks e-mail addresses as RFC 5322 domains; the personas' test domain is reserved.
    for person in User.objects.all():
        User.objects.filter(pk=person.pk).update(email=f"{person.username}@kemen.go.id")
    client = SyncSCIMClient(http, resource_models=(ScimUser, Group))
    client.discover()
    return client


def new_user(number: str, *, department: str = "CS", email: str | None = None, manager: str | None = None) -> ScimUser:
    user = ScimUser(
        user_name=f"u{number}",
        external_id=f"ext-{number}",
        name=Name(given_name="Rina", family_name=f"Saputri {number}"),
        emails=[ScimEmail(value=email or f"u{number}@kemen.go.id", primary=True)],
        active=True,
    )
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=number,
        department=department,
        manager=Manager(value=manager, ref=f"http://testserver/scim/v2/Users/{manager}") if manager else None,
    )
    return user


def test_discovery_endpoints_describe_users_with_the_enterprise_extension_and_groups(scim, http):
    config = http.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True
    assert config["filter"]["supported"] is True
    assert config["bulk"]["supported"] is False
    types = {item["id"]: item for item in http.get("/ResourceTypes").json()["Resources"]}
    assert types["User"]["schemaExtensions"][0]["schema"] == ENTERPRISE
    assert types["Group"]["endpoint"] == "/Groups"
    schemas = {item["id"] for item in http.get("/Schemas").json()["Resources"]}
    assert {"urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE} <= schemas
    assert http.get(f"/Schemas/{ENTERPRISE}").json()["name"] == "EnterpriseUser"
    assert http.get("/Schemas/urn:nope").status_code == 404


def test_create_get_filter_and_page_through_users(scim, org):
    # when
    created = scim.create(new_user("7001", manager=str(org.budi.pk)))
    # then
    person = User.objects.get(pk=int(created.id))
    assert (person.username, person.employee_number, person.department, person.manager) == (
        "u7001",
        "7001",
        org.cs,
        org.budi,
    )
    assert person.scim_external_id == "ext-7001"
    assert not person.has_usable_password()
    fetched = scim.query(ScimUser, created.id)
    assert fetched[EnterpriseUser].employee_number == "7001"
    assert fetched.emails[0].value == "u7001@kemen.go.id"
    # filter
    found = scim.query(ScimUser, query_parameters=SearchRequest(filter='userName eq "U7001"'))
    assert [user.id for user in found.resources] == [created.id]
    found = scim.query(ScimUser, query_parameters=SearchRequest(filter='externalId eq "ext-7001"'))
    assert found.total_results == 1
    none = scim.query(ScimUser, query_parameters=SearchRequest(filter='userName eq "nobody"'))
    assert none.total_results == 0
    # pagination over everyone
    total = User.objects.count()
    first = scim.query(ScimUser, query_parameters=SearchRequest(start_index=1, count=3))
    second = scim.query(ScimUser, query_parameters=SearchRequest(start_index=4, count=3))
    assert (first.total_results, first.items_per_page, first.start_index) == (total, 3, 1)
    assert not {user.id for user in first.resources} & {user.id for user in second.resources}


def test_patch_add_replace_and_remove(scim, org):
    created = scim.create(new_user("7002"))
    # replace: a move and a new name
    scim.modify(
        ScimUser,
        created.id,
        PatchOp[ScimUser](
            operations=[
                PatchOperation(op="replace", path="name.familyName", value="Wijaya"),
                PatchOperation(op="replace", path=f"{ENTERPRISE}:department", value="LKT"),
            ]
        ),
    )
    person = User.objects.get(pk=int(created.id))
    assert (person.last_name, person.department) == ("Wijaya", org.lkt)
    move = DepartmentMove.objects.get(user=person)
    assert (move.from_department, move.to_department, move.source) == (org.cs, org.lkt, "scim")
    # add: a manager
    scim.modify(
        ScimUser,
        created.id,
        PatchOp[ScimUser](
            operations=[
                PatchOperation(
                    op="add",
                    path=f"{ENTERPRISE}:manager",
                    value={"value": str(org.mira.pk), "$ref": f"Users/{org.mira.pk}"},
                )
            ]
        ),
    )
    assert User.objects.get(pk=person.pk).manager == org.mira
    # remove: the manager again
    scim.modify(
        ScimUser, created.id, PatchOp[ScimUser](operations=[PatchOperation(op="remove", path=f"{ENTERPRISE}:manager")])
    )
    assert User.objects.get(pk=person.pk).manager is None
    changes = AuditEntry.objects.filter(action="employees.update", target_id=str(person.pk), data__source="scim")
    assert changes.count() == 3
    assert changes.first().actor_username == "scim:entra-id"


def test_delete_deactivates_and_ends_tokens(scim, org):
    Token.objects.create(user=org.ani)
    scim.delete(ScimUser, str(org.ani.pk))
    org.ani.refresh_from_db()
    assert not org.ani.is_active
    assert not Token.objects.filter(user=org.ani).exists()
    assert scim.query(ScimUser, str(org.ani.pk)).active is False
    # and a returner comes back with active=true
    scim.modify(
        ScimUser,
        str(org.ani.pk),
        PatchOp[ScimUser](operations=[PatchOperation(op="replace", path="active", value=True)]),
    )
    org.ani.refresh_from_db()
    assert org.ani.is_active


def test_a_duplicate_user_name_is_a_409_uniqueness_and_writes_nothing(scim, http, org):
    people = User.objects.count()
    response = http.post(
        "/Users",
        json=new_user("7003")
        .model_copy(update={"user_name": "ani"})
        .model_dump(scim_ctx=Context.RESOURCE_CREATION_REQUEST),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["scimType"] == "uniqueness"
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert User.objects.count() == people
    with pytest.raises(SCIMException):
        scim.create(new_user("7004").model_copy(update={"user_name": "budi"}))


@pytest.mark.parametrize(
    "text",
    ["userName eq", 'userName xx "a"', '(userName eq "a"', 'nickName eq "a"', 'emails[type eq "work"] pr'],
)
def test_a_bad_filter_is_a_400_invalid_filter(http, text):
    response = http.get("/Users", params={"filter": text})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type"),
    [
        ("GET", "/Users/999999", None, 404, None),
        ("GET", "/Users/abc", None, 404, None),
        ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}, 400, "invalidValue"),
        ("POST", "/Users", [1, 2], 400, "invalidSyntax"),
        (
            "PATCH",
            "/Users/{ani}",
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "jump"}]},
            400,
            None,
        ),
        (
            "POST",
            "/Users",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "x1",
                ENTERPRISE: {"department": "NOPE"},
            },
            400,
            "invalidValue",
        ),
        ("DELETE", "/Groups/{cs}", None, 400, "mutability"),
        ("GET", "/Users?startIndex=x", None, 400, "invalidValue"),
    ],
)
def test_every_error_is_a_scim_error_body_and_writes_nothing(http, org, method, path, body, status, scim_type):
    before = (User.objects.count(), DepartmentMove.objects.count())
    path = path.format(ani=org.ani.pk, cs=org.cs.pk)
    response = http.request(method, path, json=body) if body is not None else http.request(method, path)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == str(status)
    if scim_type:
        assert error["scimType"] == scim_type
    assert response.headers["content-type"].startswith("application/scim+json")
    assert (User.objects.count(), DepartmentMove.objects.count()) == before


def test_groups_are_departments_and_membership_moves_people(scim, org):
    groups = scim.query(Group)
    names = {group.display_name for group in groups.resources}
    assert {"Layanan Pelanggan", "Loket Perizinan"} <= names
    found = scim.query(Group, query_parameters=SearchRequest(filter='externalId eq "LKT"'))
    (lkt,) = found.resources
    assert {member.value for member in lkt.members} == {str(org.mira.pk), str(org.bayu.pk)}
    # add Ani to LKT, remove Bayu
    scim.modify(
        Group,
        lkt.id,
        PatchOp[Group](
            operations=[
                PatchOperation(op="add", path="members", value=[{"value": str(org.ani.pk)}]),
                PatchOperation(op="remove", path=f'members[value eq "{org.bayu.pk}"]'),
            ]
        ),
    )
    org.ani.refresh_from_db()
    org.bayu.refresh_from_db()
    assert org.ani.department == org.lkt
    assert org.bayu.department is None
    created = scim.create(
        Group(display_name="Unit Pengaduan", external_id="ADU", members=[GroupMember(value=str(org.andi.pk))])
    )
    org.andi.refresh_from_db()
    assert org.andi.department.code == "ADU"
    assert created.display_name == "Unit Pengaduan"


def test_tokens_are_required_scoped_and_revocable(http, org, scim_secret):
    base = "/Users"
    assert http.get(base, headers={"Authorization": ""}).status_code == 401
    assert http.get(base, headers={"Authorization": "Bearer wrong"}).status_code == 401
    employee_token = Token.objects.create(user=org.ani).key
    assert http.get(base, headers={"Authorization": f"Bearer {employee_token}"}).status_code == 403
    assert http.get(base, headers={"Authorization": f"Token {employee_token}"}).status_code == 403
    # the SCIM token is no API token either
    assert (
        http.get("http://testserver/api/v1/me/", headers={"Authorization": f"Token {scim_secret}"}).status_code == 401
    )
    ok = http.get(base)
    assert ok.status_code == 200
    token = ScimToken.objects.get()
    assert token.digest != scim_secret and scim_secret not in token.digest
    assert token.last_used_at is not None
    uses = AuditEntry.objects.filter(action="employees.scim.request", actor_username="scim:entra-id")
    assert uses.count() == 1
    scim_token_revoke(token=token)
    assert http.get(base).status_code == 401


def test_the_token_command_prints_a_token_once(db, capsys):
    call_command("scim_token", "create", "okta")
    secret = capsys.readouterr().out.strip()
    assert len(secret) >= 40
    assert ScimToken.objects.get().name == "okta"
    call_command("scim_token", "list")
    assert secret not in capsys.readouterr().out


def test_list_queries_do_not_grow_with_the_organisation(client, org, scim_secret):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    def queries_for_a_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/scim/v2/Users", {"count": 50}, headers={"Authorization": f"Bearer {scim_secret}"})
            assert response.status_code == 200, response.content
        return len(captured.captured_queries)

    # token, last use, count, the page (with departments), the audit entry
    small = queries_for_a_page()
    for _ in range(60):
        UserFactory(department=org.cs)
    assert queries_for_a_page() == small <= 6


def test_a_provisioning_cycle_over_http_against_the_running_server(live_server, org, scim_secret):
    # given a client that talks to the server over the network
    with httpx2.Client(
        base_url=f"{live_server.url}/scim/v2", headers={"Authorization": f"Bearer {scim_secret}"}, timeout=10
    ) as http:
        client = SyncSCIMClient(http, resource_models=(ScimUser, Group))
        client.discover()
        # create, find, patch, deactivate
        created = client.create(new_user("7100"))
        found = client.query(ScimUser, query_parameters=SearchRequest(filter='userName eq "u7100"'))
        assert [user.id for user in found.resources] == [created.id]
        client.modify(
            ScimUser,
            created.id,
            PatchOp[ScimUser](operations=[PatchOperation(op="replace", path="name.givenName", value="Rini")]),
        )
        client.delete(ScimUser, created.id)
        assert http.get("/Users", params={"filter": "userName eq"}).json()["scimType"] == "invalidFilter"
    person = User.objects.get(employee_number="7100")
    assert (person.first_name, person.is_active) == ("Rini", False)


@pytest.mark.parametrize(
    ("tag", "stored"), [("id", "id"), ("id-ID", "id"), ("in-ID", "id"), ("en", "en"), ("en-US", "en"), ("EN_gb", "en")]
)
def test_preferred_language_is_stored_as_primas_language(scim, tag, stored):
    user = new_user("7101")
    user.preferred_language = tag
    created = scim.create(user)
    person = User.objects.get(pk=int(created.id))
    assert person.language == stored
    assert scim.query(ScimUser, created.id).preferred_language == stored


def test_preferred_language_is_read_patched_filtered_and_cleared(scim, http, org):
    created = scim.create(new_user("7102"))
    assert User.objects.get(pk=int(created.id)).language == ""
    assert scim.query(ScimUser, created.id).preferred_language is None
    # a patch sets it
    scim.modify(
        ScimUser,
        created.id,
        PatchOp[ScimUser](operations=[PatchOperation(op="replace", path="preferredLanguage", value="id-ID")]),
    )
    assert User.objects.get(pk=int(created.id)).language == "id"
    found = scim.query(ScimUser, query_parameters=SearchRequest(filter='preferredLanguage eq "id"'))
    assert [user.id for user in found.resources] == [created.id]
    # a replacement without it leaves the site's language
    replacement = scim.query(ScimUser, created.id).model_copy(update={"preferred_language": None})
    scim.replace(replacement)
    assert User.objects.get(pk=int(created.id)).language == ""


@pytest.mark.parametrize("tag", ["fr-FR", "xx", "jv-ID"])
def test_a_language_prima_does_not_write_in_is_a_400_invalid_value_and_changes_nothing(http, org, tag):
    User.objects.filter(pk=org.ani.pk).update(language="en")
    before = User.objects.count()
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x7103", "preferredLanguage": tag}
    response = http.post("/Users", json=body)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert response.json()["detail"] == (
        f"preferredLanguage: “{tag}” is not a language Prima writes in; use en, id (or e.g. en-US, id-ID)."
    )
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "preferredLanguage", "value": tag}],
    }
    response = http.patch(f"/Users/{org.ani.pk}", json=patch)
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    assert User.objects.count() == before
    assert User.objects.get(pk=org.ani.pk).language == "en"
