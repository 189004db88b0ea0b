"""The JSON API (R-PLT-5): the same scopes as the pages, OpenAPI 3.1 at /api/openapi.json, docs at /api/docs.

One router module per domain. Every read goes through ``visible``/``get_for_user`` (via the domain's
``queries``), so an object outside the caller's scope is a 404, exactly as on the pages.
"""

from ninja import NinjaAPI

from tisheng.api.assessments import router as assessments_router
from tisheng.api.evaluation import router as evaluation_router
from tisheng.api.auth import AUTH
from tisheng.api.health import router as health_router
from tisheng.api.roster import router as roster_router
from tisheng.api.me import router as me_router

api = NinjaAPI(
    title="Tisheng API",
    version="1",
    description=(
        "提升 Tisheng 的数据接口。每个请求只能读到调用者权限范围内的数据，范围外的对象一律返回 404。\n\n"
        "The Tisheng data API. Every request sees only what the caller's roles allow; objects outside that "
        "scope answer 404.\n\n"
        "Authentication: `Authorization: Bearer ts_…` with a key issued on the account's token page, or the "
        "browser's logged-in session (writes then need the CSRF token)."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=AUTH,
)
api.add_router("", me_router)
api.add_router("", roster_router)
api.add_router("", assessments_router)
api.add_router("", evaluation_router)
api.add_router("", health_router)
