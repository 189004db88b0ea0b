from django.urls import path

from tisheng.health import views

app_name = "health"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("tests/<int:pk>/", views.summary, name="summary"),
    path("tests/<int:pk>/export/", views.export, name="export"),
    path("students/<int:pk>/", views.student, name="student"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("vision/", views.vision_dashboard, name="vision"),
    path("graduation/", views.graduation, name="graduation"),
]
