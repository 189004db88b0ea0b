from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import check_for_language

# What a user with an initial password may still open: the page to change it, logging out, the language.
ALLOWED_WITH_INITIAL_PASSWORD = {"accounts:password_change", "accounts:logout", "set_language", "javascript-catalog"}


class InitialPasswordMiddleware:
    """Sends a user who still has the initial password an administrator handed out to the password page.

    Applies to browser sessions; an API call with a token has no session user (and a token can only be
    issued from a page, after the password was changed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match and request.resolver_match.view_name in ALLOWED_WITH_INITIAL_PASSWORD:
            return None
        return redirect("accounts:password_change")


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the language switch (R-PLT-4).

    Django's LocaleMiddleware would follow the browser's Accept-Language; on school computers that is
    often an English system locale, so the interface would change language without anyone asking. Here
    only the language cookie set by the switch (``set_language``) counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
