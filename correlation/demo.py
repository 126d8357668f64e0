"""Demo correlation reports: the standard monthly report over the demo year (SKM index, lags
up to two months, in which the demo's service follows its staff's satisfaction a month later)
and a quarterly one against CSAT. In the demo jobs run in-process, so both are finished when
`seed_demo` ends; running it again finds them and adds nothing."""

from core.demo import DemoOrg
from core.periods import Period
from correlation import inputs, services
from correlation.models import Granularity


def seed(org: DemoOrg) -> None:
    actor = org.people.get("leadership")
    standard = services.correlation_report_standard(today=org.today)
    if standard is None:
        org.say("correlation: no external scores, so no report")
        return
    requested = [standard]
    if ("csat", "overall") in inputs.external_sources_and_dimensions():
        last = Period.of(org.today).shift(-1)
        requested.append(
            services.correlation_report_request_once(
                actor=actor,
                period_from=last.shift(-11).first_day,
                period_to=last.first_day,
                granularity=Granularity.QUARTER,
                max_lag=1,
                external_source="csat",
                external_dimension="overall",
            )
        )
    org.say(f"correlation: {len(requested)} reports ({', '.join(f'#{report.pk}' for report in requested)})")
