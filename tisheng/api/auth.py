"""How the API knows who is asking: a bearer token (other systems) or the browser's session (with CSRF)."""

from ninja.security import HttpBearer, SessionAuth

from tisheng.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ts_…``, a key issued on the account's token page."""

    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            # So that simple-history records who changed what through the API, as it does for pages.
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in session; writes need the CSRF token, as for forms."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), BrowserSessionAuth()]
