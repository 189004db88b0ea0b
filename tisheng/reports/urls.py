from django.urls import path

from tisheng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/<str:kind>/", views.request_report, name="request"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/again/", views.run_again, name="run_again"),
]
