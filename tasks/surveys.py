"""Pulse-survey jobs: opening and closing rounds, materialising results, reminders."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def survey_rounds_open_due_task() -> list[int]:
    """Beat: opens scheduled rounds whose time has come and starts rounds that cadence makes due."""
    from pulse_surveys.services import rounds_open_due

    return rounds_open_due()


@shared_task
def survey_rounds_close_expired_task() -> list[int]:
    """Beat: closes open rounds past their closing time (each then materialises its results)."""
    from pulse_surveys.services import rounds_close_expired

    return rounds_close_expired()


@shared_task
def survey_round_close_task(round_id: int) -> int:
    """Materialises a closed round's results, then its driver impact among respondents and
    across units for IKM (idempotent: running it again recomputes all three)."""
    from pulse_surveys.impact import round_driver_analyses_materialise
    from pulse_surveys.services import round_results_materialise
    from pulse_surveys.unit_impact import round_ikm_analysis_materialise

    round_results_materialise(round_id=round_id)
    round_driver_analyses_materialise(round_id=round_id)
    round_ikm_analysis_materialise(round_id=round_id)
    return round_id


@shared_task
def survey_ikm_impact_refresh_task(periods: list[str]) -> list[int]:
    """Recomputes the driver impact for IKM of the closed rounds of these months (ISO dates),
    after new service-quality scores for them were imported or an SKM collection of them
    closed. Idempotent."""
    import datetime as dt

    from pulse_surveys.unit_impact import round_ikm_analysis_materialise, rounds_for_periods

    rounds = rounds_for_periods(dt.date.fromisoformat(period) for period in periods)
    for round_id in rounds:
        round_ikm_analysis_materialise(round_id=round_id)
    return rounds


@shared_task
def survey_driver_analyses_backfill_task() -> list[int]:
    """Beat: computes the driver impact of closed rounds that have none (closed before it
    existed), so that pages only read it. Idempotent."""
    from pulse_surveys.impact import round_driver_analyses_materialise, rounds_without_driver_analyses
    from pulse_surveys.models import DriverAnalysis
    from pulse_surveys.unit_impact import round_ikm_analysis_materialise

    done = set()
    for outcome, materialise in (
        (DriverAnalysis.Outcome.ENGAGEMENT, round_driver_analyses_materialise),
        (DriverAnalysis.Outcome.IKM, round_ikm_analysis_materialise),
    ):
        for round_id in rounds_without_driver_analyses(outcome):
            try:  # one round that fails does not keep the others waiting
                materialise(round_id=round_id)
                done.add(round_id)
            except Exception:
                logger.exception("driver impact (%s) of round %s could not be computed", outcome, round_id)
    return sorted(done)


@shared_task
def survey_reminders_task() -> int:
    """Beat: decides today's reminders (at most one a day per person) and sends them by job."""
    from pulse_surveys.services import reminders_plan

    return len(reminders_plan())


@shared_task
def survey_reminder_send_task(employee_id: int, round_ids: list[int]) -> bool:
    from pulse_surveys.services import reminder_send

    return reminder_send(employee_id=employee_id, round_ids=round_ids)
