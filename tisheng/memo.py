"""A memo that lives for one request: values that cannot change while a request runs unless the request itself
changes them (the rule set in force for a school, say) are read once per request instead of once per call.

Outside a request (background tasks, management commands, the shell) nothing is kept and every call computes.
An action that changes such a value calls ``forget()``, so the rest of its own request sees the change.
"""

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("tisheng_request_memo", default=None)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    """Gives each request an empty memo and drops it when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
