"""Leaks: columns and activities that know the outcome, judged one by one.

A leak is data recorded after the outcome (an "offer returned" flag, a rejection reason, an
event sales logs once they accepted the lead). It makes the preview look far better than the
model will do in production, so each column and each activity type the model reads is judged
on its own, against each outcome the data records (acceptance among leads with a sales
decision, conversion among leads with a known conversion):

- **separation**: the column as the model scores it (or, for an activity, having it before
  the hand-over) separates the outcome with an AUC of ``STRONG_AUC`` or more (or as far
  below 0.5); or it does almost all the model's work (``evidence.SeparationReport.dominant``);
- **a certain value**: a value, band, presence or absence of the column (having the activity
  before the hand-over) whose leads, at least ``MIN_DECISIONS`` with a known outcome, have
  the outcome ``NEAR_CERTAIN`` of the time (98 %) while the others have it less than
  ``COMMON_OUTCOME`` of the time;
- **an outcome that implies the value**: a group holding ``LARGE_GROUP`` (20 %) or more of the
  leads with a known outcome but ``FEW_OF_THE_HITS`` (1 %) or less of the outcomes: nearly
  every accepted (converted) lead has another value, as every converter has "visited";
- **dates after the hand-over or the outcome**: an activity type ``MOSTLY`` (half or more)
  dated after its leads' hand-over moment, or whose counted occurrences are mostly dated
  after the lead's ``accepted_at`` or ``won_at``; a column of dates mostly after either;
- **a near-perfect cell**: an A1..D4 cell whose leads, at least ``MIN_DECISIONS`` known, have
  the outcome ``NEAR_CERTAIN`` of the time.

Each finding is one sentence naming the column, activity type or cell and its figure. Honest
strong signals (a disqualifier such as "student" at 0 % acceptance) are small groups and are
not findings; a large group without a single outcome is, and is worth checking.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from scoring.data.missing import NAT
from scoring.engine.scorer import Scorer
from scoring.engine.where import Where, describe_where, where_key
from scoring.measures import activity_evidence as ae
from scoring.measures.evidence import MISSING_LABEL, group_outcomes, separation_report, value_groups
from scoring.measures.grid import OUTCOME_COLUMNS
from scoring.measures.metrics import MIN_DECISIONS, Flags, History, Outcomes, history_of, preview
from scoring.measures.pipeline import ACCEPTED_AT, WON_AT, instants
from scoring.measures.stats import grouped_auc
from scoring.model.schema import RATINGS, LeadModel, Rule

STRONG_AUC = 0.9
NEAR_CERTAIN = 0.98
COMMON_OUTCOME = 0.9  # when the other leads have the outcome this often, a certain group is no surprise
LARGE_GROUP = 0.2
FEW_OF_THE_HITS = 0.01
MOSTLY = 0.5
DATE_SAMPLE = 200  # present values read to tell whether a column holds dates
MOSTLY_DATES = 0.8
OUTCOME_NOUNS = {"acceptance": ("accepted", "with a sales decision"),
                 "conversion": ("converted", "with a known conversion")}
PRESENT_LABEL = "(any value)"
HITS = {"acceptance": "accepted", "conversion": "converted"}  # the per-group count of each outcome
OUTCOMES = Outcomes()


@dataclass(frozen=True)
class Leak:
    """One finding: what it is about, which check found it, the figure and the sentence."""

    kind: str  # "column" (a profile category or engagement field entry), "activity" or "cell"
    id: str  # the category or entry id, or the cell's rating
    name: str  # the column, the activity type or the cell
    check: str  # "separation", "dominant", "certain_value", "outcome_implies_value", "after_handover",
    #            "after_outcome" or "near_perfect_cell"
    outcome: str | None  # "acceptance" or "conversion"; None for dates after the hand-over
    figure: float  # the AUC, or the rate or share the sentence gives
    text: str


@dataclass(frozen=True)
class LeakReport:
    findings: list[Leak]

    def of(self, ident: str) -> list[Leak]:
        """The findings about one category or entry (by id)."""
        return [f for f in self.findings if f.id == ident and f.kind != "cell"]

    @property
    def cells(self) -> list[Leak]:
        return [f for f in self.findings if f.kind == "cell"]

    def lines(self) -> list[str]:
        return [f.text for f in self.findings]

    def as_dicts(self) -> list[dict]:
        return [asdict(f) for f in self.findings]


@dataclass(frozen=True)
class _Subject:
    kind: str
    id: str
    name: str  # the column or activity type
    shown: str  # how a sentence names it: "Column `visited`", "Activity `offer_returned`"


def _column_shown(scorer: Scorer, field: str) -> str:
    """How a sentence names a column: the model's field, and the file's column when mapped."""
    column = scorer.mapping["leads"].get(field)
    return f"Column `{field}`" + (f" (file column `{column}`)" if column and column != field else "")


def _recorded(history: History) -> list[tuple[str, Flags]]:
    found = [("acceptance", history.accepted), ("conversion", history.converted)]
    return [(name, flags) for name, flags in found if flags is not None and flags.known.any()]


def leak_report(scorer: Scorer, model: LeadModel, matrix: pd.DataFrame | None = None,
                outcomes: Outcomes = OUTCOMES) -> LeakReport:
    """Every finding for ``model`` on the scorer's leads; ``matrix`` is the preview's per-cell
    table when already computed (else it is computed). Without a recorded outcome only the
    dates are judged (activity types, date columns)."""
    history = history_of(scorer, outcomes)
    recorded = _recorded(history)
    findings: list[Leak] = []
    # each subject's findings depend on its own rules (or type and age limit) only: kept, so a
    # weight or a threshold step re-judges nothing but the cells (seconds at a million leads)
    readers = [(c.id, c.field, c.rules, c.default) for c in model.profile.categories]
    readers += [(e.id, e.field, e.rules or [], 0.0) for e in model.field_entries if e.field]
    for ident, field, rules, default in readers:
        subject = _Subject("column", ident, field, _column_shown(scorer, field))
        key = ("leaks_of_column", subject, tuple(r.model_dump_json() for r in rules), default, outcomes)
        findings += scorer.memo(key, lambda s=subject, r=rules, d=default: _column_findings(
            scorer, s, r, d, history, recorded))
    findings += _dominant(scorer, model, outcomes, findings)
    recency = model.engagement.recency
    max_age = recency.max_age_days if recency else None
    for entry in model.activity_entries if scorer.activities is not None else []:
        where = describe_where(entry.where)
        subject = _Subject("activity", entry.id, entry.activity or "",
                           f"Activity `{entry.activity}`" + (f" where {where}" if where else ""))
        findings += scorer.memo(("leaks_of_activity", subject, where_key(entry.where), max_age, outcomes),
                                lambda s=subject, w=entry.where: _activity_findings(scorer, s, w, max_age, history,
                                                                                    recorded))
    if recorded:
        matrix = preview(model, scorer, outcomes).matrix if matrix is None else matrix
        findings += _cell_findings(matrix, findings)
    return LeakReport(findings)


# ----- columns and activities: groups of leads


def _group_findings(subject: _Subject, codes: np.ndarray, labels: list[str], history: History,
                    recorded: list[tuple[str, Flags]]) -> list[Leak]:
    """A certain group, else a large group with (almost) none of the outcome, per outcome: the
    one with the most known leads of each check, each check once."""
    frame = group_outcomes(codes, len(labels), history)
    found: dict[str, Leak] = {}
    for outcome, _ in recorded:
        known, hits = frame[OUTCOME_COLUMNS[outcome][1]].to_numpy(), frame[HITS[outcome]].to_numpy()
        all_known, all_hits = int(known.sum()), int(hits.sum())
        noun, among = OUTCOME_NOUNS[outcome]
        order = np.argsort(-known, kind="stable")
        certain = [g for g in order if known[g] >= MIN_DECISIONS and hits[g] / known[g] >= NEAR_CERTAIN
                   and all_known > known[g] and (all_hits - hits[g]) / (all_known - known[g]) < COMMON_OUTCOME]
        if certain and "certain_value" not in found:
            g = certain[0]
            k, h = int(known[g]), int(hits[g])
            found["certain_value"] = Leak(
                subject.kind, subject.id, subject.name, "certain_value", outcome, h / k,
                f"{_group_text(subject, labels[g])}: {h:,} of {k:,} leads {among} {noun} ({h / k:.1%}) against "
                f"{(all_hits - h) / (all_known - k):.0%} of the others — a value this certain is usually recorded "
                "after the outcome.")
            continue  # its mirror image (the other leads: ~none) says the same
        empty = [g for g in order if all_hits >= MIN_DECISIONS and known[g] >= max(MIN_DECISIONS, LARGE_GROUP * all_known)
                 and hits[g] <= FEW_OF_THE_HITS * all_hits]
        if empty and "outcome_implies_value" not in found:
            g = empty[0]
            k, h = int(known[g]), int(hits[g])
            found["outcome_implies_value"] = Leak(
                subject.kind, subject.id, subject.name, "outcome_implies_value", outcome, (all_hits - h) / all_hits,
                f"{_group_text(subject, labels[g])}: {h:,} of {k:,} leads {among} {noun}, so {all_hits - h:,} of "
                f"the {all_hits:,} {noun} leads ({(all_hits - h) / all_hits:.1%}) {_other_text(subject, labels[g])} "
                "— often filled in by the outcome itself.")
    return list(found.values())


def _group_text(subject: _Subject, label: str) -> str:
    if subject.kind == "activity":
        return {"had": f"{subject.shown}, leads who had it before hand-over",
                "not": f"{subject.shown}, leads without it before hand-over"}[label]
    if label == MISSING_LABEL:
        return f"{subject.shown} missing"
    if label == PRESENT_LABEL:
        return f"{subject.shown} filled in"
    return f"{subject.shown} = {label}"


def _other_text(subject: _Subject, label: str) -> str:
    if subject.kind == "activity":
        return "had it before hand-over"
    return "have a value" if label == MISSING_LABEL else "have another value"


def _auc_finding(subject: _Subject, auc: float, outcome: str, how: str) -> Leak | None:
    if math.isnan(auc) or abs(auc - 0.5) < STRONG_AUC - 0.5:
        return None
    direction = "" if auc >= 0.5 else " (in reverse)"
    return Leak(subject.kind, subject.id, subject.name, "separation", outcome, auc,
                f"{subject.shown} {how} separates {OUTCOME_NOUNS[outcome][0]} leads on its own with AUC {auc:.2f}"
                f"{direction} — few honest fields come near that; check it is known before the outcome.")


def _column_findings(scorer: Scorer, subject: _Subject, rules: list[Rule], default: float, history: History,
                     recorded: list[tuple[str, Flags]]) -> list[Leak]:
    if subject.name not in scorer.leads.columns:
        return []
    if not recorded:
        return _column_date_findings(scorer, subject)
    findings = []
    index = scorer.field_rules(subject.name).rule_index(rules)
    shares = np.array([rule.value for rule in rules] + [default], dtype=float)  # index NO_RULE (-1): the default
    for outcome, flags in recorded:
        auc = grouped_auc(np.where(index < 0, len(rules), index), shares, flags.values)
        leak = _auc_finding(subject, auc, outcome, "as the model scores it")
        if leak is not None:
            findings.append(leak)
            break
    codes, labels = value_groups(scorer, subject.name)
    findings += _group_findings(subject, codes, labels, history, recorded)
    missing = scorer.column(subject.name).missing
    if missing.any() and not missing.all():
        presence = _group_findings(subject, np.where(missing, 0, 1), [MISSING_LABEL, PRESENT_LABEL], history,
                                   recorded)
        findings += [f for f in presence if f.check not in {g.check for g in findings}]
    return findings + _column_date_findings(scorer, subject)


def _column_dates(scorer: Scorer, field: str) -> np.ndarray | None:
    """The column as int64 UTC instants when it holds dates (a datetime column, or text of
    which a sample of present values reads as dates, 80 % or more); else None."""
    def compute() -> np.ndarray | None:
        values = scorer.leads[field]
        if not pd.api.types.is_datetime64_any_dtype(values):
            if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                return None
            sample = values.dropna().head(DATE_SAMPLE)
            if not len(sample) or instants(sample.astype(str))[1] > (1 - MOSTLY_DATES) * len(sample):
                return None
        return instants(values)[0]

    return scorer.memo(("column_dates", field), compute)


def _later_share(stamps: np.ndarray, positions: np.ndarray, moments: np.ndarray) -> tuple[int, int]:
    """Of the ``stamps`` (one per row, of the lead at ``positions``) with both dates known: how
    many fall after the lead's moment, and how many there are."""
    moment = moments[positions]
    known = (stamps != NAT) & (moment != NAT)
    return int((stamps[known] > moment[known]).sum()), int(known.sum())


def _outcome_moments(scorer: Scorer) -> list[tuple[str, str, str, np.ndarray]]:
    """Each outcome date column the leads have: (column, outcome, past participle, instants)."""
    found = []
    for column, outcome, word in ((ACCEPTED_AT, "acceptance", "accepted"), (WON_AT, "conversion", "won")):
        if column in scorer.leads.columns:
            stamps = scorer.memo(("outcome_instants", column), lambda column=column: instants(scorer.leads[column])[0])
            found.append((column, outcome, word, stamps))
    return found


def _column_date_findings(scorer: Scorer, subject: _Subject) -> list[Leak]:
    """A date column whose dates fall mostly after the lead's hand-over, or after its outcome."""
    stamps = _column_dates(scorer, subject.name)
    if stamps is None:
        return []
    positions = np.arange(len(stamps))
    later, total = _later_share(stamps, positions, scorer.lead_as_of_ns)
    findings = []
    if total >= MIN_DECISIONS and later >= MOSTLY * total:
        findings.append(Leak(subject.kind, subject.id, subject.name, "after_handover", None, later / total,
                             f"{subject.shown}: {later:,} of {total:,} dates are after the lead's hand-over "
                             f"({later / total:.0%}) — a field recorded after the hand-over was not known when the "
                             "lead was rated."))
    for column, outcome, word, moments in _outcome_moments(scorer):
        later, total = _later_share(stamps, positions, moments)
        if total >= MIN_DECISIONS and later >= MOSTLY * total:
            findings.append(Leak(subject.kind, subject.id, subject.name, "after_outcome", outcome, later / total,
                                 f"{subject.shown}: {later:,} of the {total:,} dates of leads with {column} are after "
                                 f"the lead was {word} ({later / total:.0%}) — it records the outcome."))
            break
    return findings


def _dominant(scorer: Scorer, model: LeadModel, outcomes: Outcomes, found: list[Leak]) -> list[Leak]:
    """A column doing almost all the model's work, unless already found on its own."""
    report = separation_report(scorer, model, outcomes)
    already = {f.id for f in found}
    return [Leak("column", c.id, c.field, "dominant", report.outcome, c.auc,
                 f"Column `{c.field}` ({c.label}) alone separates {OUTCOME_NOUNS[report.outcome][0]} leads about "
                 f"as well as the whole model (AUC {c.auc:.2f} against {report.model_auc:.2f}): it does almost all "
                 "the work — check it is known before the outcome.")
            for c in report.dominant if c.id not in already]


def _activity_findings(scorer: Scorer, subject: _Subject, where: Where | None, max_age: float | None,
                       history: History, recorded: list[tuple[str, Flags]]) -> list[Leak]:
    findings = []
    had = ae.had_before_handover(scorer, subject.name, max_age, where)
    if had.any():
        for outcome, flags in recorded:
            auc = grouped_auc(had.astype(np.intp), np.array([0.0, 1.0]), flags.values)
            leak = _auc_finding(subject, auc, outcome, "(had before hand-over or not)")
            if leak is not None:
                findings.append(leak)
                break
        findings += _group_findings(subject, np.where(had, 0, 1), ["had", "not"], history, recorded)
    return findings + _timing_findings(scorer, subject, where, max_age)


def _timing_findings(scorer: Scorer, subject: _Subject, where: Where | None, max_age: float | None) -> list[Leak]:
    rows = ae.activity_rows(scorer)
    if rows is None:
        return []
    picked = ae.entry_rows(scorer, rows, subject.name, where)
    aged, after = int(rows.aged[picked].sum()), int(rows.after[picked].sum())
    findings = []
    if aged >= MIN_DECISIONS and after >= MOSTLY * aged:
        findings.append(Leak(subject.kind, subject.id, subject.name, "after_handover", None, after / aged,
                             f"{subject.shown}: {after:,} of {aged:,} occurrences are dated after the lead's "
                             f"hand-over ({after / aged:.0%}), so it counts almost nothing — an event recorded "
                             "after the hand-over usually follows from the outcome."))
    picked, counted = ae.counted_rows(rows, subject.name, max_age, picked)
    counted_rows = picked[counted]
    for column, outcome, word, moments in _outcome_moments(scorer):
        later, total = _later_share(rows.occurred[counted_rows], rows.position[counted_rows], moments)
        if total >= MIN_DECISIONS and later >= MOSTLY * total:
            findings.append(Leak(subject.kind, subject.id, subject.name, "after_outcome", outcome, later / total,
                                 f"{subject.shown}: {later:,} of the {total:,} occurrences it counts for leads "
                                 f"with {column} are dated after the lead was {word} ({later / total:.0%}) — it "
                                 "records the outcome; set the hand-over moment before it."))
            break
    return findings


# ----- cells


def _cell_findings(matrix: pd.DataFrame, found: list[Leak]) -> list[Leak]:
    """One finding per outcome naming every near-perfect cell (most leads first) with their figures."""
    strongest = max((f for f in found if f.check in ("separation", "dominant")), key=lambda f: abs(f.figure - 0.5),
                    default=None)
    hint = "" if strongest is None else f"; strongest on its own: `{strongest.name}` (AUC {strongest.figure:.2f})"
    findings = []
    for outcome in ("acceptance", "conversion"):
        known_column, hits_column = OUTCOME_COLUMNS[outcome][1], HITS[outcome]
        known, hits = matrix[known_column].astype(int), matrix[hits_column].astype(int)
        clean = []
        for rating in RATINGS:
            rest_known = int(known.sum()) - known[rating]
            rest_rate = (int(hits.sum()) - hits[rating]) / rest_known if rest_known else math.nan
            if known[rating] >= MIN_DECISIONS and hits[rating] / known[rating] >= NEAR_CERTAIN \
                    and rest_rate < COMMON_OUTCOME:
                clean.append(rating)
        if not clean:
            continue
        clean.sort(key=lambda r: -known[r])
        cells = ", ".join(f"{r} ({hits[r]:,} of {known[r]:,})" for r in clean)
        lowest = min(hits[r] / known[r] for r in clean)
        noun, among = OUTCOME_NOUNS[outcome]
        findings.append(Leak("cell", ",".join(clean), ", ".join(clean), "near_perfect_cell", outcome, lowest,
                             f"{'Cell' if len(clean) == 1 else 'Cells'} {cells}: leads {among} {noun} "
                             f"{lowest:.1%} of the time or more — a cell this clean usually means a column or "
                             f"activity recorded after the outcome{hint}."))
    return findings
