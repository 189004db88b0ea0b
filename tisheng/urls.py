from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

urlpatterns = [
    path("", include("tisheng.dashboard.urls")),
    path("accounts/", include("tisheng.accounts.urls")),
    path("roster/", include("tisheng.roster.urls")),
    path("imports/", include("tisheng.imports.urls")),
    path("audit/", include("tisheng.audit.urls")),
    path("rules/", include("tisheng.rulesets.urls")),
    path("assessments/", include("tisheng.assessments.urls")),
    path("reports/", include("tisheng.reports.urls")),
    path("homework/", include("tisheng.homework.urls")),
    path("health/", include("tisheng.health.urls")),
    path("wellbeing/", include("tisheng.wellbeing.urls")),
    path("evaluation/", include("tisheng.evaluation.urls")),
    path("api/", include("tisheng.api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]
