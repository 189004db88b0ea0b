from django.urls import path

from tisheng.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("history/", views.history_list, name="history_list"),
]
