"""Every route of the URL configuration, as a normalised string (`api/v1/employees/<pk>/`)."""

import re

from django.urls import URLResolver, get_resolver

# Routes outside the matrix, with the reason.
UNCLASSIFIED_ON_PURPOSE = {
    "admin/": "Django's admin: staff only, checked by its own test",
}
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _normalise(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = _NAMED_GROUP.sub(r"<\1>", route)
    return route.replace("\\.", ".")


def _walk():
    """(route, view callback) for every route."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if _normalise(text) in UNCLASSIFIED_ON_PURPOSE:
                    continue
                yield from walk(pattern.url_patterns, text)
                continue
            route = _normalise(text)
            if "<format>" in route or route.startswith("media/") or route.startswith("__debug__"):
                continue  # format suffixes reach the same views; media is served only in debug
            yield route, pattern.callback

    yield from walk(get_resolver().url_patterns, "")


def all_routes() -> set[str]:
    return {route for route, _callback in _walk()}


def api_write_operations() -> set[tuple[str, str]]:
    """(route, method) for every method of the API that may write: a viewset route's
    actions, or the handlers an API view defines, less the methods the view refuses."""
    found = set()
    for route, callback in _walk():
        if not route.startswith("api/"):
            continue
        actions = getattr(callback, "actions", None)
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            methods = set(WRITE_METHODS)  # a plain Django view may take anything
        else:
            handled = actions or [method for method in view_class.http_method_names if hasattr(view_class, method)]
            methods = {method.upper() for method in handled if method in view_class.http_method_names}
        found |= {(route, method) for method in methods & set(WRITE_METHODS)}
    return found
