"""Every write of the assessments app, each in one transaction.

History: assessments, papers, items and knowledge points keep their rows' history (simple-history, with the
user). Scores are too many for row history: an import is recorded by the import ledger and its audit event
(file hash, who, counts), and a corrected score by a ``ScoreCorrection`` row (who, when, old, new, why).
Whatever changes scores marks the assessment's results out of date and queues the analysis.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db import transaction
from django.utils import timezone

from tisheng.assessments import bulk
from tisheng.assessments.models import (
    Assessment,
    Item,
    ItemScore,
    KnowledgePoint,
    Paper,
    PaperScore,
    ScoreCorrection,
    Status,
)


@dataclass(frozen=True)
class ItemSpec:
    label: str
    max_score: Decimal
    kind: str = Item.Kind.SUBJECTIVE
    ability: str = ""
    knowledge_points: Sequence[int] = field(default_factory=tuple)  # KnowledgePoint ids


def _with_user(obj, user):
    obj._history_user = user if user is not None and user.is_authenticated else None
    return obj


@transaction.atomic
def create_assessment(user, **fields) -> Assessment:
    assessment = _with_user(Assessment(created_by=user if user and user.is_authenticated else None, **fields), user)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def save_paper(user, assessment: Assessment, subject, full_mark: Decimal, items: Sequence[ItemSpec],
               paper: Paper | None = None) -> Paper:
    """Create a paper, or change one: its full mark and, while it has no scores, its items."""
    if paper is None:
        paper = Paper(assessment=assessment, subject=subject)
    paper.full_mark = full_mark
    _with_user(paper, user).save()
    if items and not PaperScore.objects.filter(paper=paper).exists():
        for old in paper.items.all():
            _with_user(old, user).delete()
        for position, spec in enumerate(items, start=1):
            item = _with_user(Item(paper=paper, position=position, label=spec.label, max_score=spec.max_score,
                                   kind=spec.kind, ability=spec.ability), user)
            item.save()
            if spec.knowledge_points:
                item.knowledge_points.set(spec.knowledge_points)
    return paper


@transaction.atomic
def add_knowledge_points(user, subject, rows: Sequence[tuple[str, str]]) -> int:
    """Add (code, name) to the subject's catalogue; an existing code gets the new name."""
    existing = {kp.code: kp for kp in KnowledgePoint.objects.filter(subject=subject)}
    changed = 0
    for code, name in rows:
        kp = existing.get(code) or KnowledgePoint(subject=subject, code=code)
        if kp.pk and kp.name == name:
            continue
        kp.name = name
        _with_user(kp, user).save()
        changed += 1
    return changed


# --- scores ------------------------------------------------------------------------------------------------
PAPER_SCORE_COLUMNS = ("student_id", "school_id", "school_class_id", "status", "score", "objective", "subjective")


def replace_scores(paper: Paper, paper_scores: pl.DataFrame, item_scores: pl.DataFrame, *, batch_id: int | None,
                   progress: Callable[[int], None] = lambda n: None, analyse: bool = True) -> int:
    """Make these the paper's scores, replacing those of its previous import, in the caller's transaction.

    ``paper_scores``: one row per student, columns ``PAPER_SCORE_COLUMNS``; ``item_scores``: ``student_id``,
    ``item_id``, ``score`` for the students who sat. Earlier corrections stay in the audit trail (their
    row link is cleared: the row they corrected is gone). ``analyse=False`` leaves queueing the analysis to
    the caller (the demo analyses its exams in date order itself).
    """
    ScoreCorrection.objects.filter(paper=paper, paper_score__isnull=False).update(paper_score=None)
    bulk.delete_where(ItemScore, paper=paper.pk)
    bulk.delete_where(PaperScore, paper=paper.pk)
    rows = paper_scores.select(PAPER_SCORE_COLUMNS).with_columns(
        pl.lit(paper.pk, dtype=pl.Int64).alias("paper_id"), pl.lit(batch_id, dtype=pl.Int64).alias("batch_id")
    )
    bulk.insert_frame(PaperScore, rows, progress)
    # In the order of the primary key (paper, student, item): the index grows at its end instead of being
    # split all over, which makes the COPY several times faster for a paper of 100,000 pupils.
    items = item_scores.select(
        pl.lit(paper.pk, dtype=pl.Int64).alias("paper_id"), "student_id", "item_id", pl.col("score").cast(pl.Float64)
    ).sort("student_id", "item_id")
    bulk.insert_frame(ItemScore, items, progress)
    Paper.objects.filter(pk=paper.pk).update(batch_id=batch_id, scored_at=timezone.now())
    if analyse:
        scores_changed(paper.assessment_id)
    return rows.height


def scores_changed(assessment_id: int) -> None:
    """The assessment's results are out of date: queue its analysis (it runs after the transaction commits,
    in the task worker; in tests at once)."""
    from tisheng.assessments.tasks import analyse_assessment

    Assessment.objects.filter(pk=assessment_id).update(analysis=Assessment.Analysis.QUEUED,
                                                       scores_changed_at=timezone.now())
    analyse_assessment.enqueue(assessment_id)


def _recount(paper_score: PaperScore) -> None:
    """The paper total and subtotals again from the item scores (a paper with items)."""
    sums = {Item.Kind.OBJECTIVE: 0.0, Item.Kind.SUBJECTIVE: 0.0}
    rows = ItemScore.objects.filter(paper_id=paper_score.paper_id, student_id=paper_score.student_id)
    for kind, score in rows.values_list("item__kind", "score"):
        sums[kind] += score
    paper_score.objective = round(sums[Item.Kind.OBJECTIVE], 2)
    paper_score.subjective = round(sums[Item.Kind.SUBJECTIVE], 2)
    paper_score.score = round(paper_score.objective + paper_score.subjective, 2)


@transaction.atomic
def correct_score(user, paper_score: PaperScore, *, reason: str, item: Item | None = None,
                  score: float | None = None, status: str | None = None) -> ScoreCorrection:
    """Correct one item score (``item`` and ``score``), the total of a paper without items (``score``), or the
    status (``status``: a student who sat marked absent, exempt or cheating, or between those). A student
    marked absent who did sit is imported again with the corrected file: the items are needed."""
    paper_score = PaperScore.objects.select_for_update().get(pk=paper_score.pk)
    old_status, old_score = paper_score.status, paper_score.score
    correction = ScoreCorrection(paper_score=paper_score, paper_id=paper_score.paper_id,
                                 student_id=paper_score.student_id, old_status=old_status, old_score=old_score,
                                 reason=reason[:200],
                                 by=user if user and user.is_authenticated else None)
    if status is not None and status != old_status:
        if status == Status.SAT:
            raise ValueError("a student who did not sit is imported again, not corrected")
        ItemScore.objects.filter(paper_id=paper_score.paper_id, student_id=paper_score.student_id).delete()
        paper_score.status, paper_score.score = status, None
        paper_score.objective = paper_score.subjective = None
    elif item is not None:
        if old_status != Status.SAT or score is None or not 0 <= score <= float(item.max_score):
            raise ValueError("an item score between 0 and the item's maximum, for a student who sat")
        old = ItemScore.objects.filter(paper_id=paper_score.paper_id, student_id=paper_score.student_id, item=item)
        correction.item = item
        correction.old_score = old.values_list("score", flat=True).first()
        old.delete()
        ItemScore.objects.create(paper_id=paper_score.paper_id, student_id=paper_score.student_id, item=item,
                                 score=score)
        correction.new_score = score
        _recount(paper_score)
    else:
        if old_status != Status.SAT or score is None or not 0 <= score <= float(paper_score.paper.full_mark):
            raise ValueError("a total between 0 and the full mark, for a student who sat")
        correction.new_score = score
        paper_score.score = score
    correction.new_status = paper_score.status
    paper_score.save()
    correction.save()
    scores_changed(paper_score.paper.assessment_id)
    return correction
