"""Every route of the URL configuration, as a normalised string (`api/v1/employees/<pk>/`)."""

import re

from django.urls import URLResolver, get_resolver

# Routes outside the matrix, with the reason.
UNCLASSIFIED_ON_PURPOSE = {
    "admin/": "Django's admin: staff only, checked by its own test",
}
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _normalise(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = _NAMED_GROUP.sub(r"<\1>", route)
    return route.replace("\\.", ".")


def all_routes() -> set[str]:
    found = set()

    def walk(patterns, prefix: str):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if _normalise(text) in UNCLASSIFIED_ON_PURPOSE:
                    continue
                walk(pattern.url_patterns, text)
                continue
            route = _normalise(text)
            if "<format>" in route or route.startswith("media/") or route.startswith("__debug__"):
                continue  # format suffixes reach the same views; media is served only in debug
            found.add(route)

    walk(get_resolver().url_patterns, "")
    return found
