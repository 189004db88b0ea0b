from django.contrib.auth.decorators import login_not_required

from tisheng.api.api import api

app_name = "api"

# The operations answer 401 themselves (token or session); without this the site-wide login requirement
# would redirect an API client to the login page. The docs page and schema stay behind the login.
_ALWAYS_LOGIN = {"openapi-json", "openapi-view", "api-root"}
urlpatterns = api.urls[0]
for _pattern in urlpatterns:
    if _pattern.name not in _ALWAYS_LOGIN:
        login_not_required(_pattern.callback)
