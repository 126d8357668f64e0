from rest_framework.routers import DefaultRouter

from feedback import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("feedback/themes", api.ThemeViewSet, basename="feedback-theme")

urlpatterns = router.urls
