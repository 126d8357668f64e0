"""How apps add to the shared pages without editing them.

An app may have a `hooks.py` with any of:

- `nav_items(user) -> list[NavItem]`: links in the side navigation, each in one of `SECTIONS`;
- `home_panels(request) -> list[Panel]`: panels on the signed-in home page;
- `inbox_items(user) -> list[InboxItem]`: what waits for the person (the inbox, its API and the
  counts beside the navigation's links).

Each is asked in INSTALLED_APPS order and the results sorted by `order`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

# The navigation's sections, grouped by task, in the order they are shown. Links with no
# section (home, inbox, search) come first, above every section.
SECTION_ME = "me"
SECTION_TEAM = "team"
SECTION_HR = "hr"
SECTION_INSIGHTS = "insights"
SECTION_ACCOUNT = "account"
SECTIONS = {
    SECTION_ME: _("Me"),
    SECTION_TEAM: _("My team"),
    SECTION_HR: _("HR"),
    SECTION_INSIGHTS: _("Insights"),
    SECTION_ACCOUNT: _("Account"),
}
INBOX_ALL = "*"


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50
    section: str = ""
    # The inbox kind whose count is shown beside the link (see InboxItem.kind); INBOX_ALL: all.
    inbox_kind: str = ""


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


@dataclass(frozen=True)
class InboxItem:
    """`count` things of one `kind` wait for the person; `url` is where they are done (the thing
    itself when there is only one)."""

    kind: str
    title: str
    url: str
    count: int
    order: int = 50


def inbox_item_of(
    queryset, *, kind: str, title: str, list_url: str, one_url: Callable[[int], str] | None = None, order: int = 50
) -> InboxItem:
    """The item for what `queryset` holds: its count, and the link to the one thing when there
    is one (`one_url(pk)`), else to the list. One query for none or one, two for more."""
    first_two = list(queryset.values_list("pk", flat=True)[:2])
    count = len(first_two) if len(first_two) < 2 else queryset.count()
    url = one_url(first_two[0]) if count == 1 and one_url is not None else list_url
    return InboxItem(kind=kind, title=title, url=url, count=count, order=order)


@dataclass
class NavSection:
    key: str
    label: str
    items: list[NavItem]


def _hook_functions(name: str):
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "hooks"):
            function = getattr(import_module(f"{config.name}.hooks"), name, None)
            if function is not None:
                yield function


def nav_items(user) -> list[NavItem]:
    items = [item for function in _hook_functions("nav_items") for item in function(user)]
    unknown = {item.section for item in items} - set(SECTIONS) - {""}
    if unknown:
        raise ValueError(f"navigation sections {sorted(unknown)} are not among {sorted(SECTIONS)}")
    return sorted(items, key=lambda item: item.order)


def nav_sections(items: list[NavItem]) -> tuple[list[NavItem], list[NavSection]]:
    """The links without a section, then every section that has links, in `SECTIONS` order."""
    top = [item for item in items if not item.section]
    sections = [
        NavSection(key, str(label), [item for item in items if item.section == key]) for key, label in SECTIONS.items()
    ]
    return top, [section for section in sections if section.items]


def home_panels(request) -> list[Panel]:
    panels = [panel for function in _hook_functions("home_panels") for panel in function(request)]
    return sorted(panels, key=lambda panel: panel.order)


def inbox_items(user) -> list[InboxItem]:
    """Every kind of thing waiting for `user`, those with nothing waiting left out."""
    items = [item for function in _hook_functions("inbox_items") for item in function(user) if item.count > 0]
    return sorted(items, key=lambda item: item.order)
