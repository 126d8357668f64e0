"""Filters by many ids."""

from collections.abc import Iterable

from django.db.models import QuerySet


def ids_for_in(ids: Iterable[int] | QuerySet) -> list[int] | QuerySet:
    """`ids` for an `__in` filter: a queryset of ids stays a subquery, so that the database
    selects them and no parameter per id is sent (or parsed, on every query); anything else
    becomes a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)
