"""R-ACC-4: a parent never sees another child's scores, nor any rank, percentile or standard score — on any
page or export the parent can reach, found by following every link from the home page, and through the API."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag

import pytest
from django.test import Client

from tisheng.accounts.models import ApiToken, Role
from tisheng.accounts.scope import Scope
from tisheng.assessments.demo import build_assessment_demo
from tisheng.assessments.models import PaperScore, StudentResult
from tisheng.roster.models import Student

# Words of standing among others and of the score tables, in both languages.
FORBIDDEN = ("排名", "名次", "排行", "百分位", "标准分", "平均分", "得分率", "及格率", "优秀率", "percentile", "Percentile",
             "rank", "Rank", "standard score", "Standard score", "Mean", "Pass rate")
SKIP = ("/accounts/logout/", "/i18n/", "/static/", "/media/")
MAX_PAGES = 120


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(urldefrag(href)[0])


def crawl(client: Client, start: str = "/") -> dict[str, str]:
    seen, queue, pages = set(), [start], {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = response.content.decode("utf-8", "replace")
        pages[url] = body
        if "html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(body)
            queue += [link for link in parser.links if link not in seen]
    return pages


@pytest.fixture
def exams(world):
    return build_assessment_demo(world.district, today=world.term.start_date.replace(month=11, day=20))


def test_no_page_a_parent_reaches_shows_other_children_or_standing(world, exams):
    parent = world.logins[Role.PARENT]
    children = Scope.of(parent).child_ids
    client = Client()
    client.force_login(parent)
    pages = crawl(client)
    child_pages = [url for url in pages if url.startswith("/assessments/children/")]
    assert child_pages, f"the parent reaches no exam page: {sorted(pages)}"

    sat_together = set(PaperScore.objects.filter(paper__assessment__in=exams.assessments)
                       .values_list("student_id", flat=True)) - children
    others = Student.objects.filter(pk__in=sat_together)
    own = StudentResult.objects.filter(student_id__in=children, status="sat")
    own_scores = {f">{r.score:g}<" for r in own if r.score is not None and r.score >= 20}
    problems = []
    for url, body in pages.items():
        text = re.sub(r"<script.*?</script>", "", body, flags=re.S)
        problems += [f"{url}: names “{w}”" for w in FORBIDDEN if w in text and url.startswith("/assessments/")]
        problems += [f"{url}: a score cell {s}" for s in own_scores if s in text and url.startswith("/assessments/")]
        for student in others:
            if student.student_no in text or f"/students/{student.pk}/" in text:
                problems.append(f"{url}: another child, {student.student_no}")
    assert not problems, "\n".join(problems[:20])
    # the page does show what it is for: the levels of the child's subjects
    levels = {r.level for r in own.filter(paper__isnull=False) if r.level}
    assert levels and all(level in "".join(pages[u] for u in child_pages) for level in levels)


def test_the_api_gives_a_parent_no_scores(world, exams):
    parent = world.logins[Role.PARENT]
    _token, key = ApiToken.issue(parent, "privacy test")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    sat = PaperScore.objects.filter(paper__assessment__in=exams.assessments).first()
    assessment_id = sat.paper.assessment_id
    for url in ("/api/assessments", f"/api/assessments/{assessment_id}", f"/api/assessments/{assessment_id}/imports",
                f"/api/assessments/{assessment_id}/results", f"/api/assessments/{assessment_id}/items",
                f"/api/assessments/{assessment_id}/students"):
        response = api.get(url)
        body = response.content.decode()
        assert response.status_code == 403, (url, response.status_code, body[:200])
        assert '"score"' not in body and "percentile" not in body and '"mean"' not in body
    # and the routes are really there: staff get them
    staff = Client(headers={"Authorization": f"Bearer {ApiToken.issue(world.logins[Role.HEAD_TEACHER], 't')[1]}"})
    current = next(a for a in exams.assessments if a.grade == 7 and a.term_id == world.term.pk)
    assert staff.get(f"/api/assessments/{current.pk}/students").status_code == 200
