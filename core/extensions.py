"""How apps add to the shared pages without editing them.

An app may have a `hooks.py` with either of:

- `nav_items(user) -> list[NavItem]`: links in the main navigation;
- `home_panels(request) -> list[Panel]`: panels on the signed-in home page.

Both are asked in INSTALLED_APPS order and the results sorted by `order`.
"""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


def _hook_functions(name: str):
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "hooks"):
            function = getattr(import_module(f"{config.name}.hooks"), name, None)
            if function is not None:
                yield function


def nav_items(user) -> list[NavItem]:
    items = [item for function in _hook_functions("nav_items") for item in function(user)]
    return sorted(items, key=lambda item: item.order)


def home_panels(request) -> list[Panel]:
    panels = [panel for function in _hook_functions("home_panels") for panel in function(request)]
    return sorted(panels, key=lambda panel: panel.order)
