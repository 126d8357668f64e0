"""core.columns.fetch: a queryset's rows as numpy columns, packed by PostgreSQL."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext

from core.columns import fetch, month_numbers, month_of
from employees.models import Department


def test_columns_hold_the_rows_in_order_with_their_types(org):
    departments = Department.objects.order_by("-id").values(
        "id", "code", up=Coalesce(F("parent_id"), Value(0)), half=F("id") / Value(2.0)
    )
    columns = fetch(departments, {"id": "int8", "code": "text", "up": "int8", "half": "float8"})
    expected = list(departments)
    assert columns["id"].tolist() == [row["id"] for row in expected]
    assert columns["code"].tolist() == [row["code"] for row in expected]
    assert columns["up"].tolist() == [row["up"] for row in expected]
    assert columns["half"].tolist() == pytest.approx([row["id"] / 2 for row in expected], abs=0)


@pytest.mark.postgres
def test_on_postgresql_the_database_packs_each_column_into_one_value(org):
    with CaptureQueriesContext(connection) as queries:
        columns = fetch(Department.objects.order_by("id").values("id", "code"), {"id": "int8", "code": "text"})
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith("SELECT count(*), string_agg(int8send(")
    assert columns["code"].tolist() == list(Department.objects.order_by("id").values_list("code", flat=True))


def test_a_null_is_refused_and_no_rows_give_empty_columns(org):
    with pytest.raises(ValueError, match="parent_id"):
        fetch(Department.objects.values("parent_id"), {"parent_id": "int8"})
    roots = Department.objects.filter(parent__isnull=True).values(up=F("parent__code"))
    with pytest.raises(ValueError, match="up"):
        fetch(roots, {"up": "text"})
    empty = fetch(Department.objects.none().values("id", "code"), {"id": "int8", "code": "text"})
    assert empty["id"].size == 0 and empty["code"].size == 0


@pytest.mark.parametrize("day", [dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(1999, 7, 14)])
def test_dates_arrive_as_numpy_dates_and_months_as_one_number(org, day):
    days = fetch(Department.objects.filter(pk=org.cs.pk).values(day=Value(day)), {"day": "date"})["day"]
    assert days.dtype == np.dtype("datetime64[D]")
    assert days.tolist() == [day]
    assert month_numbers(days).tolist() == [day.year * 12 + day.month - 1]
    assert month_of(int(month_numbers(days)[0])) == day.replace(day=1)
