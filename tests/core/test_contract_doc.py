"""docs/CONTRACT.md names every endpoint of the API, the SCIM routes aside (RFC 7644's own)."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import URLResolver, get_resolver

CONTRACT = (Path(settings.BASE_DIR) / "docs" / "CONTRACT.md").read_text()


def _api_paths(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_paths(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _readable(path: str) -> str:
    """`api/v1/^leave/requests/(?P<pk>[^/.]+)/approve/$` → `/leave/requests/{id}/approve/`."""
    path = path.removeprefix("api/v1/").replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", "{id}", path)
    return "/" + path


def test_every_api_endpoint_is_in_the_contract():
    documented = re.sub(r"\{\w+\}", "{id}", CONTRACT)
    paths = {
        _readable(path)
        for path in _api_paths(get_resolver().url_patterns)
        if path.startswith("api/v1/") and ".(?P<format>" not in path and "\\.(?P<format>" not in path
    }
    missing = sorted(path for path in paths if path not in documented and path.removesuffix("{id}/") not in documented)
    assert missing == [], missing
