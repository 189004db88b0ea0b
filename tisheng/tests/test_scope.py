"""The all-routes scope test (R-ACC-3): every role requests every registered URL and API route.

For each role of the demo world, every URL name in the resolver (pages, exports, API operations; whatever
app added them) must have scope cases (``tisheng/<app>/tests/scope_cases*.py``, format in
``tisheng/testing/scope.py``), and every probe must answer with its status, without the out-of-scope names
and numbers it lists as ``absent`` and with those it lists as ``present``. A new route without cases fails here.
"""

import importlib
import json
import zipfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.html import escape

from tisheng.accounts.models import ApiToken
from tisheng.roster.demo import DEMO_LOGINS
from tisheng.testing.scope import Probe

ROLES = [str(role) for role in DEMO_LOGINS]

# Routes that read no scoped data at all, with the reason. Keep this list short: everything else needs cases.
ROUTES_WITHOUT_SCOPE = {
    "set_language": "sets the interface language of the caller's own session",
    "javascript-catalog": "the interface's translations, the same for everybody",
    "accounts:login": "the login form, before there is a user to scope by",
}


def registered_routes() -> dict[str, str]:
    """Every URL name in the resolver (namespaced like ``roster:student_detail``) → its route, for messages.

    An unnamed pattern is reported under ``<unnamed>`` + route: it cannot be given cases and must be named.
    """
    routes: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns, route)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or f"<unnamed> {route}")
                routes.setdefault(name, route)

    walk(get_resolver().url_patterns, "", "/")
    return routes


def case_modules() -> list[str]:
    root = Path(__file__).resolve().parents[1]
    return sorted(
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.glob("*/tests/scope_cases*.py")
    )


def collect_cases(world, role: str) -> tuple[dict[str, list[Probe]], list[str]]:
    """All apps' probes for ``role``, and the problems found in the declarations themselves."""
    user = world.logins[role]
    merged: dict[str, list[Probe]] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for module_name in case_modules():
        for name, probes in importlib.import_module(module_name).cases(world, role, user).items():
            if name in merged:
                problems.append(f"route {name} has scope cases in both {origin[name]} and {module_name}")
                continue
            merged[name], origin[name] = list(probes), module_name
    return merged, problems


def body_text(response) -> str:
    """The response as searchable text: JSON with its Chinese unescaped, zip-based files (xlsx, docx) by their
    XML parts. A PDF's text is not extracted: test such content where the document is made."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_has_scope_cases_for_every_role(world, role):
    routes = registered_routes()
    cases, problems = collect_cases(world, role)
    for name, route in sorted(routes.items()):
        if name.startswith("<unnamed>"):
            problems.append(f"route {route} has no name: name it so that it can have scope cases")
        elif name not in ROUTES_WITHOUT_SCOPE and not cases.get(name):
            problems.append(f"route {name} ({route}) has no scope case for role {role}")
    for name in sorted(set(cases) - set(routes)):
        problems.append(f"scope cases for {name}, which is not a registered route (renamed or removed?)")
    for name in sorted(set(cases) & set(ROUTES_WITHOUT_SCOPE)):
        problems.append(f"route {name} is in ROUTES_WITHOUT_SCOPE and also has scope cases: choose one")
    assert not problems, "\n".join(problems)


def test_routes_with_objects_are_probed_outside_the_scope(world):
    """A route that takes an object in its URL must be requested with an out-of-scope object by some role."""
    routes = registered_routes()
    expected_404 = defaultdict(bool)
    for role in ROLES:
        cases, _problems = collect_cases(world, role)
        for name, probes in cases.items():
            expected_404[name] |= any(p.status == 404 for p in probes)
    missing = [
        f"route {name} ({route}) takes an object but no role requests one outside its scope (a 404 probe)"
        for name, route in sorted(routes.items())
        if "<" in route and name not in ROUTES_WITHOUT_SCOPE and not expected_404[name]
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_every_probe_answers_within_the_scope(world, role):
    user = world.logins[role]
    routes = registered_routes()
    cases, _problems = collect_cases(world, role)
    session = Client()
    session.force_login(user)
    _token, key = ApiToken.issue(user, "scope test")
    api = Client(headers={"Authorization": f"Bearer {key}"})

    failures: list[str] = []
    count = 0
    for name, probes in sorted(cases.items()):
        for probe in probes:
            count += 1
            where = f"{role} {probe.method.upper()} {probe.url} ({name}{', API' if probe.api else ''})"
            try:
                resolved = "/" + resolve(urlsplit(probe.url).path).route
            except Resolver404:
                resolved = None
            if resolved != routes.get(name):  # by route: an API path has one name per method
                failures.append(f"{where}: the URL resolves to {resolved}, not to the route it is a case of")
                continue
            client = api if probe.api else session
            kwargs = {}
            if probe.data is not None:
                if probe.method == "get":
                    kwargs["data"] = probe.data
                elif probe.api:
                    kwargs.update(data=json.dumps(probe.data), content_type="application/json")
                else:
                    kwargs["data"] = probe.data
            response = getattr(client, probe.method)(probe.url, **kwargs)
            if response.status_code != probe.status:
                failures.append(f"{where}: status {response.status_code}, expected {probe.status}")
            text = body_text(response)
            if probe.method == "get" and probe.data:
                # the page showing back what was searched for (form field, links with the query) is no leak
                for key, value in probe.data.items():
                    text = text.replace(f'value="{escape(str(value))}"', "")
                    text = text.replace(escape(urlencode({key: value})), "")
            leaked = [s for s in probe.absent if s in text]
            if leaked:
                failures.append(f"{where}: LEAKS out-of-scope {leaked}")
            lacking = [s for s in probe.present if s not in text]
            if lacking:
                failures.append(f"{where}: lacks in-scope {lacking}")
    assert count, f"no probes at all for {role}"
    assert not failures, f"{len(failures)} of {count} probes failed:\n" + "\n".join(failures)
