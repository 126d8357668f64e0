from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("themes/", views.theme_list, name="themes"),
    path("themes/new/", views.theme_edit, name="theme_new"),
    path("themes/<int:pk>/", views.theme_edit, name="theme_edit"),
]
