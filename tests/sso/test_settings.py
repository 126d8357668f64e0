"""The single sign-on settings stop the start with a message that names the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from employees.sso_settings import ldap_searches

GOOD = {
    "user_base": "ou=people,dc=example",
    "user_filter": "(uid=%(user)s)",
    "group_base": "",
    "group_type": "groupOfNames",
}


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"user_base": ""}, "LDAP_USER_BASE"),
        ({"user_filter": "(uid=admin)"}, "LDAP_USER_FILTER"),
        ({"group_type": "nestedGroups"}, "LDAP_GROUP_TYPE"),
    ],
)
def test_a_bad_ldap_setting_names_its_variable(change, variable):
    with pytest.raises(ImproperlyConfigured, match=variable):
        ldap_searches(**{**GOOD, **change})


def test_an_active_directory_configuration_reads_nested_groups():
    user_search, group_search, group_type = ldap_searches(
        **{
            **GOOD,
            "user_filter": "(sAMAccountName=%(user)s)",
            "group_base": "ou=groups,dc=example",
            "group_type": "activeDirectory",
        }
    )
    assert user_search.filterstr == "(sAMAccountName=%(user)s)"
    assert group_search.base_dn == "ou=groups,dc=example"
    assert type(group_type).__name__ == "NestedActiveDirectoryGroupType"


def test_an_issuer_without_a_client_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "OIDC_ISSUER": "https://sso.example.go.id", "OIDC_CLIENT_ID": ""}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" in result.stderr
