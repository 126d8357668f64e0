"""Rewards and bonuses: pages."""

app_name = "rewards"
urlpatterns: list = []
