"""The LDAP searches django-auth-ldap needs, built from the LDAP_* settings (python-ldap is
imported only when a directory is configured)."""

from django.core.exceptions import ImproperlyConfigured

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
