"""The format of scope cases: how each app tells the scope test what to request as each role.

Each app with routes has ``tisheng/<app>/tests/scope_cases.py`` defining

    def cases(world, role: str, user) -> dict[str, list[Probe]]:
        '''url name (with namespace, e.g. "roster:student_detail") → the requests to make as ``user``.'''

``tisheng/tests/test_scope.py`` logs in as every role of ``world.logins``, collects the cases of every app,
and fails when
- a registered URL name (pages and API routes alike) has no entry for some role: a new route must say what
  each role may see;
- a probe's response status differs from ``status``;
- a response body contains any of ``absent`` (names or numbers of out-of-scope objects must not leak through
  lists, totals, search results, exports or error messages), or lacks any of ``present``.

Typical probes for a detail route: the user's own object (status 200) and one outside the scope (status 404).
For a list route: status 200, ``present`` an in-scope name and ``absent`` an out-of-scope name, also with a
search query for the out-of-scope name. For a page a role may not use at all: 403 (the page's existence is no
secret; objects' existence is, hence 404 for them).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Probe:
    url: str
    status: int = 200
    absent: tuple[str, ...] = field(default_factory=tuple)
    present: tuple[str, ...] = field(default_factory=tuple)
    method: str = "get"
    data: dict | None = None
    # API probes authenticate with a bearer token instead of the session.
    api: bool = False
