from django.urls import path

import tisheng.homework.urls  # noqa: F401  registers the isodate converter
from tisheng.wellbeing import views

app_name = "wellbeing"
urlpatterns = [
    path("", views.index, name="index"),
    path("family/", views.family, name="family"),
    path("wake/<int:student_id>/<isodate:night>/", views.wake, name="wake"),
    path("phones/request/<int:student_id>/", views.phone_request, name="phone_request"),
    path("classes/<int:pk>/sleep/", views.class_sleep, name="class_sleep"),
    path("classes/<int:pk>/activity/", views.activity, name="activity"),
    path("overview/", views.dashboard, name="dashboard"),
    path("phones/", views.phones, name="phones"),
    path("phones/<int:pk>/decide/", views.phone_decide, name="phone_decide"),
    path("reading/", views.reading, name="reading"),
    path("reading/<int:pk>/", views.reading_detail, name="reading_detail"),
    path("reading/<int:pk>/decide/", views.reading_decide, name="reading_decide"),
]
