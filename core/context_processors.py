"""The side navigation, built from the apps' hooks (`core.extensions`)."""

from core import extensions


def _current(items: list[extensions.NavItem], path: str) -> str:
    """The URL of the link the page belongs to: the longest link that `path` starts with (the
    home page only for itself), so that a request's detail page marks its list."""
    candidates = [item.url for item in items if path == item.url or (item.url != "/" and path.startswith(item.url))]
    return max(candidates, key=len, default="")


def _link(item: extensions.NavItem, *, counts: dict, current: str) -> dict:
    count = sum(counts.values()) if item.inbox_kind == extensions.INBOX_ALL else counts.get(item.inbox_kind, 0)
    return {
        "label": item.label,
        "url": item.url,
        "count": count,
        "current": item.url == current,
    }


def navigation(request):
    """The side navigation by section, its current link and the inbox's counts beside links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = extensions.nav_items(user)
    counts = {item.kind: item.count for item in extensions.inbox_items(user)}
    current = _current(items, request.path)
    top, sections = extensions.nav_sections(items)
    return {
        "nav_items": items,
        "nav_top": [_link(item, counts=counts, current=current) for item in top],
        "nav_sections": [
            {"key": s.key, "label": s.label, "links": [_link(i, counts=counts, current=current) for i in s.items]}
            for s in sections
        ],
        "inbox_total": sum(counts.values()),
    }
