"""Administration: the suggestions library is kept here (or through the API); actions and
trainings are shown for support, and changed through the pages and the API, whose services
check who may plan what."""

from django.contrib import admin

from improvement.models import Action, ActionNote, SuggestedAction, Training, TrainingAttendance


@admin.register(SuggestedAction)
class SuggestedActionAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_id", "driver", "dimension", "position", "is_active"]
    list_filter = ["is_active", "driver", "dimension"]
    search_fields = ["title_en", "title_id", "description_en", "description_id"]


class ActionNoteInline(admin.TabularInline):
    model = ActionNote
    extra = 0
    can_delete = False
    readonly_fields = ["author", "text", "status_from", "status_to", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "driver", "dimension", "owner", "status", "due_date", "completed_on"]
    list_filter = ["status", "department", "driver", "dimension"]
    search_fields = ["title", "description"]
    list_select_related = ["department", "owner"]
    readonly_fields = [field.name for field in Action._meta.fields] + ["members"]
    inlines = [ActionNoteInline]

    def has_add_permission(self, request) -> bool:
        return False


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    can_delete = False
    readonly_fields = ["employee", "department", "attended"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["topic", "department", "date", "hours", "trainer", "driver", "dimension"]
    list_filter = ["department", "driver", "dimension"]
    search_fields = ["topic", "trainer"]
    date_hierarchy = "date"
    list_select_related = ["department"]
    readonly_fields = [field.name for field in Training._meta.fields]
    inlines = [TrainingAttendanceInline]

    def has_add_permission(self, request) -> bool:
        return False
