"""Forms of the pulse pages (HR's survey and round forms; the answer form is built from the
round's questions)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from employees.models import Department
from pulse_surveys.models import Cadence, Question


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        driver = obj.driver.name if obj.driver_id else obj.get_kind_display()
        return f"{obj.text} ({driver})"


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    questions = QuestionChoiceField(
        label=_("Questions"),
        queryset=Question.objects.filter(is_active=True).select_related("driver").order_by("id"),
        widget=forms.CheckboxSelectMultiple,
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices, initial=Cadence.MONTHLY)
    departments = forms.ModelMultipleChoiceField(
        label=_("Audience"),
        queryset=Department.objects.order_by("path"),
        required=False,
        help_text=_("Departments including their subtrees; none means everyone."),
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold"),
        min_value=settings.PRIMA_ANONYMITY_THRESHOLD_MINIMUM,
        initial=settings.PRIMA_ANONYMITY_THRESHOLD_DEFAULT,
        help_text=_("Results of fewer respondents than this are hidden."),
    )
    questions_per_round = forms.IntegerField(
        label=_("Questions per round"),
        min_value=1,
        required=False,
        help_text=_("Empty: every question in every round. Otherwise the rating questions rotate."),
    )
    open_days = forms.IntegerField(label=_("Days a round stays open"), min_value=1, max_value=60, initial=5)
    reminder_days = forms.CharField(
        label=_("Reminders (days before close)"),
        required=False,
        initial="2",
        help_text=_("Comma-separated, for example 3, 1."),
    )
    starts_at = forms.DateTimeField(
        label=_("First round opens"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Empty: rounds are only opened by hand."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data["reminder_days"]
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from None

    def clean_questions(self):
        # Keep the bank's order (the order the checkboxes are shown in).
        return sorted(self.cleaned_data["questions"], key=lambda question: question.pk)


class RoundForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeLocalInput())
