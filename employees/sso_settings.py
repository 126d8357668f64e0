"""Single sign-on settings read at start: the role mapping, and the LDAP searches
django-auth-ldap needs (python-ldap is imported only when a directory is configured). Nothing
here imports a model: settings read it before the apps are loaded."""

from django.core.exceptions import ImproperlyConfigured

# employees.models.Role's values (a test keeps the two equal).
ROLES = ("employee", "manager", "hr", "leadership")


def parse_role_groups(raw: str) -> dict[str, str]:
    """`SSO_ROLE_GROUPS` (`leadership:prima-leaders;hr:prima-hr`) → {group (lower case): role}.
    Entries are separated by `;` because LDAP group DNs contain commas."""
    mapping: dict[str, str] = {}
    for entry in raw.split(";"):
        if not entry.strip():
            continue
        role, sep, group = entry.partition(":")
        role, group = role.strip(), group.strip()
        if not sep or role not in ROLES or not group:
            raise ImproperlyConfigured(
                f"SSO_ROLE_GROUPS entries must read role:group with a role among {', '.join(ROLES)}; "
                f"got {entry.strip()!r}."
            )
        mapping[group.lower()] = role
    return mapping


GROUP_TYPES = {
    "groupOfNames": "GroupOfNamesType",
    "groupOfUniqueNames": "GroupOfUniqueNamesType",
    "posixGroup": "PosixGroupType",
    "activeDirectory": "NestedActiveDirectoryGroupType",
}


def ldap_connection_options(*, timeout_seconds: int) -> dict:
    """A bounded wait for the directory, and no referral chasing (Active Directory answers
    searches at a domain's root with referrals that python-ldap would follow anonymously)."""
    import ldap

    return {ldap.OPT_NETWORK_TIMEOUT: timeout_seconds, ldap.OPT_TIMEOUT: timeout_seconds, ldap.OPT_REFERRALS: 0}


def ldap_searches(*, user_base: str, user_filter: str, group_base: str, group_type: str):
    import ldap
    from django_auth_ldap import config

    if not user_base:
        raise ImproperlyConfigured("LDAP_SERVER_URI needs LDAP_USER_BASE (where people are searched).")
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured(f"LDAP_USER_FILTER must contain %(user)s; got {user_filter!r}.")
    if group_type not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}; got {group_type!r}.")
    user_search = config.LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter)
    group_search = config.LDAPSearch(group_base, ldap.SCOPE_SUBTREE) if group_base else None
    return user_search, group_search, getattr(config, GROUP_TYPES[group_type])()
