"""Administration of the bank and surveys. Responses, answers, participations and
invitations are deliberately not registered: no admin screen shows who answered what."""

from django.contrib import admin

from pulse_surveys.models import Driver, Question, Round, RoundResult, Survey, SurveyQuestion


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_id", "position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["id", "text_en", "kind", "driver", "is_active"]
    list_filter = ["kind", "driver", "is_active"]
    search_fields = ["text_en", "text_id", "key"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "cadence", "anonymity_threshold", "is_active"]
    list_filter = ["cadence", "is_active"]
    inlines = [SurveyQuestionInline]
    readonly_fields = ["anonymity_threshold"]  # fixed once answered; change it through the API or pages


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["survey", "number", "status", "opens_at", "closes_at", "results_ready"]
    list_filter = ["status", "survey"]
    readonly_fields = ["status", "closed_at", "period", "anonymity_threshold", "results_ready"]


@admin.register(RoundResult)
class RoundResultAdmin(admin.ModelAdmin):
    """Materialised results hold only what may be shown (suppressed rows carry no scores)."""

    list_display = ["round", "department", "invited", "responded", "suppressed", "reason", "score", "enps"]
    list_filter = ["suppressed", "round__survey"]
    exclude = ["comments", "distributions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
