from tisheng.accounts.scope import Scope


def scope(request):
    """The user's scope for navigation (what menus to show); queries still go through ``visible``."""
    user = getattr(request, "user", None)
    return {"scope": Scope.of(user)} if user is not None else {}
