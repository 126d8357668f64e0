"""The form that requests a report from the reports page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from correlation import inputs
from correlation.interpretation import dimension_label
from correlation.models import MAX_LAG, Granularity


def _source_and_dimension_choices() -> tuple[list, list, dict[str, list[str]]]:
    """The sources, every dimension once (a dimension several sources hold is one option), and
    the sources of each dimension (the page offers a dimension only with a source that has it)."""
    pairs = inputs.external_sources_and_dimensions()
    sources = sorted({source for source, _dimension in pairs})
    sources_of: dict[str, list[str]] = {}
    for source, dimension in pairs:
        sources_of.setdefault(dimension, []).append(source)
    dimensions: list = [("", _("Headline score"))]
    dimensions += sorted(((key, dimension_label(key)) for key in sources_of), key=lambda choice: str(choice[1]))
    return [(source, source.upper()) for source in sources], dimensions, sources_of


class DimensionSelect(forms.Select):
    """Each option names the sources that hold it (`data-sources`), for the page's script."""

    sources_of: dict[str, list[str]] = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["data-sources"] = " ".join(self.sources_of.get(str(value), []))
        return option


class PeriodInput(forms.TextInput):
    input_type = "month"


class ReportForm(forms.Form):
    period_from = forms.CharField(label=_("From (month)"), widget=PeriodInput(attrs={"placeholder": "2025-01"}))
    period_to = forms.CharField(label=_("To (month)"), widget=PeriodInput(attrs={"placeholder": "2025-12"}))
    granularity = forms.ChoiceField(label=_("Compare by"), choices=Granularity.choices, initial=Granularity.MONTH)
    max_lag = forms.TypedChoiceField(
        label=_("Largest lag (periods, both directions)"),
        choices=[(lag, str(lag)) for lag in range(MAX_LAG + 1)],
        coerce=int,
        initial=1,
    )
    external_source = forms.ChoiceField(label=_("External source"))
    external_dimension = forms.ChoiceField(
        label=_("External dimension"),
        required=False,
        widget=DimensionSelect,
        help_text=_("The headline score is the IKM for SKM and the mean of every dimension for other sources."),
    )

    shrink_units = forms.BooleanField(
        label=_("Shrink small units toward the organisation"),
        required=False,
        help_text=_(
            "Each month's pulse score of a unit is moved toward the organisation's mean by how little it can be "
            "trusted (empirical Bayes): a unit of few respondents moves most. The report says so."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sources, dimensions, sources_of = _source_and_dimension_choices()
        self.fields["external_source"].choices = sources
        self.fields["external_dimension"].choices = dimensions
        self.fields["external_dimension"].widget.sources_of = sources_of

    def _period(self, name: str):
        try:
            return Period.parse(self.cleaned_data[name]).first_day
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean_period_from(self):
        return self._period("period_from")

    def clean_period_to(self):
        return self._period("period_to")
