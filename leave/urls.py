"""Leave: pages."""

app_name = "leave"
urlpatterns: list = []
