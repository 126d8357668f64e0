"""Writes: HR's changes to the theme list."""

from django.db import transaction

from core.audit import audit_record
from feedback.models import Theme

THEME_FIELDS = (
    "key",
    "name_en",
    "name_id",
    "driver",
    "skm_element",
    "keywords_id",
    "keywords_en",
    "position",
    "is_active",
)


@transaction.atomic
def theme_save(*, theme: Theme | None = None, actor, **fields) -> Theme:
    """Creates a theme, or changes one; the analyser picks the change up on its next read."""
    theme = theme or Theme()
    for name, value in fields.items():
        if name in THEME_FIELDS:
            setattr(theme, name, value)
    theme.full_clean()
    theme.save()
    audit_record(actor=actor, action="feedback.theme.save", target=theme, summary=theme.key)
    return theme
