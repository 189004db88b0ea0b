from django.urls import path

from tisheng.rulesets import views

app_name = "rulesets"
urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("overrides/new/", views.override_create, name="override_create"),
    path("overrides/<int:pk>/end/", views.override_end, name="override_end"),
]
