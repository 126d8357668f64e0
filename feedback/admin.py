from django.contrib import admin

from feedback.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_id", "driver", "skm_element", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "skm_element"]
    search_fields = ["key", "name_en", "name_id", "keywords_id", "keywords_en"]
