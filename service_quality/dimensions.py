"""What external scores measure, and how each survey's dimensions map onto Prima's own.

SKM elements (unsur pelayanan) follow PermenPANRB 14/2017 in the regulation's order; SERVQUAL
has Parasuraman, Zeithaml and Berry's five dimensions (1988). `PRIMA_DIMENSION_MAPPING` is the
one table that says which of them speak of which Prima service dimension, so that reports
compare like with like.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.dimensions import ServiceDimension

# PermenPANRB 14/2017, Lampiran: the nine elements (U1–U9) in the regulation's order.
SKM_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("u1", _("requirements")),  # persyaratan
    ("u2", _("systems, mechanisms and procedures")),  # sistem, mekanisme dan prosedur
    ("u3", _("completion time")),  # waktu penyelesaian
    ("u4", _("cost or tariff")),  # biaya/tarif
    ("u5", _("service product specification")),  # produk spesifikasi jenis pelayanan
    ("u6", _("staff competence")),  # kompetensi pelaksana
    ("u7", _("staff conduct")),  # perilaku pelaksana
    ("u8", _("handling of complaints, suggestions and feedback")),  # penanganan pengaduan, saran dan masukan
    ("u9", _("facilities and infrastructure")),  # sarana dan prasarana
)
SKM_ELEMENT_KEYS: tuple[str, ...] = tuple(key for key, _label in SKM_ELEMENTS)
SKM_ELEMENT_LABELS: dict[str, str] = dict(SKM_ELEMENTS)
IKM_DIMENSION = "ikm"

SERVQUAL_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("tangibles", _("tangibles")),
    ("reliability", _("reliability")),
    ("responsiveness", _("responsiveness")),
    ("assurance", _("assurance")),
    ("empathy", _("empathy")),
)
SERVQUAL_DIMENSION_KEYS: tuple[str, ...] = tuple(key for key, _label in SERVQUAL_DIMENSIONS)
# A SERVQUAL perception score is stored under the plain dimension (`reliability`), what the
# customers expected under the dimension with this suffix (`reliability_expectation`).
EXPECTATION_SUFFIX = "_expectation"

OVERALL_DIMENSION = "overall"


@dataclass(frozen=True)
class DimensionMapping:
    skm_elements: tuple[str, ...]
    servqual_dimensions: tuple[str, ...]


# Prima's six service dimensions and what SKM and SERVQUAL measure of each. SERVQUAL folded the
# older "courtesy" and "credibility" into assurance, and "access" into empathy (1988).
PRIMA_DIMENSION_MAPPING: dict[str, DimensionMapping] = {
    # waktu penyelesaian; prompt service
    ServiceDimension.TIMELINESS: DimensionMapping(("u3",), ("responsiveness",)),
    # the product as specified, delivered by competent staff; dependable service
    ServiceDimension.ACCURACY: DimensionMapping(("u5", "u6"), ("reliability",)),
    # complaints handled, promises kept; credibility
    ServiceDimension.RESPONSIBILITY: DimensionMapping(("u8",), ("reliability", "assurance")),
    # staff conduct; courtesy (assurance) and caring attention (empathy)
    ServiceDimension.COURTESY: DimensionMapping(("u7",), ("assurance", "empathy")),
    # clear requirements, simple procedures, affordable cost; access
    ServiceDimension.ACCESSIBILITY: DimensionMapping(("u1", "u2", "u4"), ("empathy",)),
    # facilities; the physical surroundings
    ServiceDimension.COMFORT: DimensionMapping(("u9",), ("tangibles",)),
}
PRIMA_DIMENSION_KEYS: tuple[str, ...] = tuple(str(key) for key in ServiceDimension.values)


def mapped_components(source: str) -> dict[str, tuple[str, ...]]:
    """For `skm` or `servqual`: Prima dimension → the source's dimensions it is the mean of."""
    if source == "skm":
        return {str(key): mapping.skm_elements for key, mapping in PRIMA_DIMENSION_MAPPING.items()}
    if source == "servqual":
        return {str(key): mapping.servqual_dimensions for key, mapping in PRIMA_DIMENSION_MAPPING.items()}
    return {}


def allowed_dimensions(source: str) -> frozenset[str] | None:
    """The dimensions a score of `source` may carry; None: any short key (custom scores)."""
    if source == "skm":
        return frozenset({IKM_DIMENSION, *SKM_ELEMENT_KEYS, *PRIMA_DIMENSION_KEYS})
    if source == "servqual":
        expectations = {f"{key}{EXPECTATION_SUFFIX}" for key in SERVQUAL_DIMENSION_KEYS}
        return frozenset({*SERVQUAL_DIMENSION_KEYS, *expectations, *PRIMA_DIMENSION_KEYS})
    if source in ("csat", "nps"):
        return frozenset({OVERALL_DIMENSION, *PRIMA_DIMENSION_KEYS})
    return None


def dimension_label(source: str, dimension: str) -> str:
    """A readable name for a (source, dimension) key."""
    labels = {
        IKM_DIMENSION: _("IKM"),
        OVERALL_DIMENSION: _("overall"),
        **SKM_ELEMENT_LABELS,
        **dict(SERVQUAL_DIMENSIONS),
        **dict(ServiceDimension.choices),
    }
    if dimension.endswith(EXPECTATION_SUFFIX) and dimension.removesuffix(EXPECTATION_SUFFIX) in labels:
        return _("%(dimension)s (expected)") % {"dimension": labels[dimension.removesuffix(EXPECTATION_SUFFIX)]}
    label = labels.get(dimension, dimension)
    return f"{dimension.upper()} {label}" if dimension in SKM_ELEMENT_LABELS else str(label)
