from django.shortcuts import redirect

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
