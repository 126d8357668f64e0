from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from service_quality.dimensions import SKM_ELEMENTS

# A theme's keywords in one language: a few hundred words at most.
KEYWORDS_MAX_LENGTH = 4000


class Theme(models.Model):
    """What comments speak of (a theme), with the words that mark it in both languages, and the
    pulse driver and SKM element it belongs to. HR edits the list; analysis reads it."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=120, blank=True)
    driver = models.ForeignKey(
        "pulse_surveys.Driver",
        verbose_name=_("pulse driver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skm_element = models.CharField(_("SKM element"), max_length=2, choices=SKM_ELEMENTS, blank=True)
    keywords_id = models.TextField(
        _("keywords (Bahasa Indonesia)"),
        max_length=KEYWORDS_MAX_LENGTH,
        blank=True,
        help_text=_("Words or phrases, separated by commas."),
    )
    keywords_en = models.TextField(
        _("keywords (English)"),
        max_length=KEYWORDS_MAX_LENGTH,
        blank=True,
        help_text=_("Words or phrases, separated by commas."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Breaks ties: of two themes a comment mentions equally, the first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("comment theme")
        verbose_name_plural = _("comment themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en").split("-")[0]
        return self.name_id if language == "id" and self.name_id else self.name_en
