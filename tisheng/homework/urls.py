from django.urls import path, register_converter

from tisheng.homework import views


class IsoDate:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        from datetime import date

        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None

    def to_url(self, value):
        return value.isoformat()


register_converter(IsoDate, "isodate")

app_name = "homework"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/", views.my_plans, name="my_plans"),
    path("plans/start/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/totals/", views.plan_totals, name="plan_totals"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("review/", views.review_list, name="review_list"),
    path("totals/", views.week_totals, name="week_totals"),
    path("classes/<int:pk>/", views.class_week, name="class_week"),
    path("classes/<int:pk>/count/", views.class_count, name="class_count"),
    # the class record is a report kind now (report_kinds.py); these old links open its request form
    path("classes/<int:pk>/record.xlsx", views.record, {"format": "xlsx"}, name="record_xlsx"),
    path("classes/<int:pk>/record.pdf", views.record, {"format": "pdf"}, name="record_pdf"),
    path("classes/<int:pk>/<isodate:day>/", views.posting, name="posting"),
    path("today/", views.today, name="today"),
    path("feedback/<int:student_id>/<isodate:day>/", views.feedback, name="feedback"),
    path("analysis/", views.analysis, name="analysis"),
    path("analysis/refresh/", views.refresh, name="refresh"),
    path("overview/", views.dashboard, name="dashboard"),
    path("summary/", views.summary, name="summary"),
]
