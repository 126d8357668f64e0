"""Custom external measures for the correlation tests, each described with a direction (or
none) when its first score comes in."""

import datetime as dt
from decimal import Decimal


def custom_measures(org, *, period: dt.date, value: str, directions: dict[str, str]) -> None:
    """One score of CS for `period` per custom dimension, with the direction `directions` gives
    it ("lower", "higher" or "" for none said)."""
    from service_quality.services import external_score_create

    for dimension, direction in directions.items():
        external_score_create(
            department=org.cs,
            period=period,
            source="custom",
            dimension=dimension,
            value=Decimal(value),
            direction=direction,
            actor=org.hana,
        )
