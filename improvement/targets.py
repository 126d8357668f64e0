"""What an action or a training may target, and how a target is named.

A *driver* is a pulse driver key (`pulse_surveys.selectors.driver_keys()`); a *dimension* is an
SKM element (`u1`…`u9`, PermenPANRB 14/2017) or one of Prima's six service dimensions. The
other apps are imported when asked, not at start-up, so that this app loads on its own.
"""

from django.utils.translation import gettext as _

from core.dimensions import ServiceDimension

# The external score of a Prima dimension may come from several sources; the follow-up reads
# the first of these that has a score for the unit, so that sources are never mixed.
EXTERNAL_SOURCE_PREFERENCE = ("skm", "servqual", "csat", "nps", "custom")
SKM_SOURCE = "skm"


def skm_element_keys() -> tuple[str, ...]:
    from service_quality.dimensions import SKM_ELEMENT_KEYS

    return SKM_ELEMENT_KEYS


def dimension_keys() -> tuple[str, ...]:
    """Every dimension an action may target: the SKM elements, then Prima's dimensions."""
    return (*skm_element_keys(), *(str(value) for value in ServiceDimension.values))


def is_skm_element(key: str) -> bool:
    return key in skm_element_keys()


def driver_keys() -> list[str]:
    from pulse_surveys.selectors import driver_keys as pulse_driver_keys

    return list(pulse_driver_keys())


def driver_names() -> dict[str, str]:
    """Driver key → its name in the active language (one query)."""
    from pulse_surveys.models import Driver

    return {driver.key: driver.name for driver in Driver.objects.all()}


def dimension_label(key: str) -> str:
    from service_quality.dimensions import dimension_label as label

    return label(SKM_SOURCE, key)


def target_label(*, driver: str, dimension: str, names: dict[str, str] | None = None) -> str:
    """`Driver: Recognition` or `Dimension: U3 completion time`."""
    if driver:
        name = (names if names is not None else driver_names()).get(driver, driver)
        return _("Driver: %(name)s") % {"name": name}
    if dimension:
        return _("Service: %(name)s") % {"name": dimension_label(dimension)}
    return ""
