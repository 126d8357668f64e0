"""Roles from the directory's groups: applied at every sign-in, through either method, each
change written to the audit trail; without a mapping, roles stay as HR set them."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.models import AuditEntry
from employees.directory import role_from_groups
from employees.models import Role
from employees.sso_settings import ROLES, parse_role_groups
from tests.sso.conftest import provider_sign_in
from tests.sso.servers import LDAP_SUFFIX, USERS

pytestmark = pytest.mark.django_db


def role_changes(person):
    return list(
        AuditEntry.objects.filter(action="employees.role.from_directory", target_id=str(person.pk))
        .order_by("id")
        .values_list("data", flat=True)
    )


def test_moving_a_person_between_provider_groups_changes_their_role_at_the_next_sign_in(
    client, oidc, people, role_groups
):
    # given siti, an employee in Prima, in the directory's prima-hr group
    provider_sign_in(client, "siti")
    people.siti.refresh_from_db()
    assert people.siti.role == "hr"
    client.post("/accounts/logout/")
    # when the directory moves her to the managers' group
    oidc.set_groups("siti", ["prima-managers", "all-staff"])
    provider_sign_in(client, "siti")
    # then her next sign-in makes her a manager, and both changes are in the audit trail
    people.siti.refresh_from_db()
    assert people.siti.role == "manager"
    assert [(change["from"], change["to"], change["method"]) for change in role_changes(people.siti)] == [
        ("employee", "hr", "oidc"),
        ("hr", "manager", "oidc"),
    ]


def test_moving_a_person_between_ldap_groups_changes_their_role_at_the_next_sign_in(
    client, ldap_directory, people, role_groups
):
    siti_dn = f"uid=siti,ou=people,{LDAP_SUFFIX}"
    client.post("/accounts/login/", {"username": "siti", "password": USERS["siti"]["password"]})
    people.siti.refresh_from_db()
    assert people.siti.role == "hr"
    client.post("/accounts/logout/")
    # when her directory's administrators take her out of prima-hr and into prima-leaders
    ldap_directory.modify(
        f"dn: cn=prima-hr,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\ndelete: member\nmember: {siti_dn}\n\n"
        f"dn: cn=prima-leaders,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\nadd: member\nmember: {siti_dn}\n"
    )
    try:
        client.post("/accounts/login/", {"username": "siti", "password": USERS["siti"]["password"]})
        people.siti.refresh_from_db()
        assert people.siti.role == "leadership"
        assert [(change["from"], change["to"], change["method"]) for change in role_changes(people.siti)] == [
            ("employee", "hr", "ldap"),
            ("hr", "leadership", "ldap"),
        ]
    finally:
        ldap_directory.modify(
            f"dn: cn=prima-leaders,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\ndelete: member\nmember: {siti_dn}\n\n"
            f"dn: cn=prima-hr,ou=groups,{LDAP_SUFFIX}\nchangetype: modify\nadd: member\nmember: {siti_dn}\n"
        )


def test_a_sign_in_that_changes_no_role_writes_no_audit_entry(client, oidc, people, role_groups):
    people.siti.role = "hr"
    people.siti.save()
    provider_sign_in(client, "siti")
    assert role_changes(people.siti) == []


def test_without_a_mapping_roles_stay_as_hr_set_them(client, oidc, people):
    people.siti.role = "leadership"
    people.siti.save()
    response, _callback = provider_sign_in(client, "siti")
    assert response["Location"] == "/"
    people.siti.refresh_from_db()
    assert people.siti.role == "leadership"
    assert role_changes(people.siti) == []


def test_the_widest_mapped_role_wins_and_unmapped_groups_make_an_employee():
    mapping = parse_role_groups("leadership:Prima-Leaders; hr:CN=Prima HR,OU=Groups,DC=example ;manager:mgr")
    assert role_from_groups(("mgr", "prima-leaders"), mapping) == "leadership"
    assert role_from_groups(("cn=prima hr,ou=groups,dc=example",), mapping) == "hr"
    assert role_from_groups(("all-staff",), mapping) == "employee"
    assert role_from_groups(("mgr",), {}) is None


@pytest.mark.parametrize("raw", ["boss:prima-bosses", "hr", "hr:", ":prima-hr"])
def test_a_mapping_that_names_no_role_stops_the_start(raw):
    with pytest.raises(ImproperlyConfigured, match="SSO_ROLE_GROUPS"):
        parse_role_groups(raw)


def test_the_mapping_knows_every_role():
    assert list(ROLES) == Role.values
