"""After the hand-over: the optional pipeline columns of a leads table, read once.

Optional lead fields, mapped like any other (the model's ``columns:`` section, ``--map``,
the Data page): ``lifecycle_stage``, ``rejection_reason``, ``accepted_at``,
``first_touch_at``, ``opportunity_at``, ``won_at`` and ``lead_source``; with them the
outcome columns ``accepted``, ``converted`` and ``won_amount`` (``metrics.Outcomes``).
The hand-over moment of a lead is its ``scored_at``.

A lead *reached* a stage of the funnel handed over -> accepted -> opportunity -> won when
the data says so: the yes/no column (``accepted``, ``converted``) or the lifecycle stage;
a stage's date column counts only where neither exists for that stage. A lead that reached
a later stage reached the earlier ones too. A stage no column records is left out of the
funnel (Olist records wins but no acceptance), never shown as zero.

Nothing here is dropped silently: unreadable dates, dates before the hand-over, stages
outside the known list and amounts that are not numbers are counted in
``PipelineIssues`` (shown in the quality summary) and left out of the figure they would
distort, not out of the lead counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.data.missing import NAT
from scoring.engine.scorer import Scorer
from scoring.engine.values import TRIM_CHARS
from scoring.measures.flags import Flags, Outcomes, read_flags

HANDED_OVER, ACCEPTED, OPPORTUNITY, WON = "handed_over", "accepted", "opportunity", "won"
STAGES = (HANDED_OVER, ACCEPTED, OPPORTUNITY, WON)
STAGE_LABELS = {HANDED_OVER: "Handed over", ACCEPTED: "Accepted", OPPORTUNITY: "Opportunity", WON: "Won"}
LIFECYCLE_STAGE = "lifecycle_stage"
REJECTION_REASON = "rejection_reason"
ACCEPTED_AT = "accepted_at"
FIRST_TOUCH_AT = "first_touch_at"
OPPORTUNITY_AT = "opportunity_at"
WON_AT = "won_at"
LEAD_SOURCE = "lead_source"
HANDOVER_AT = "scored_at"
PIPELINE_FIELDS = (LIFECYCLE_STAGE, REJECTION_REASON, ACCEPTED_AT, FIRST_TOUCH_AT, OPPORTUNITY_AT, WON_AT,
                   LEAD_SOURCE)
STAGE_DATES = {ACCEPTED: ACCEPTED_AT, OPPORTUNITY: OPPORTUNITY_AT, WON: WON_AT}
NO_REASON = "(no reason given)"
NS_PER_DAY = 86_400 * 10**9
NS_PER_HOUR = 3_600 * 10**9

# Lifecycle stages as CRMs write them (compared trimmed, lower case, - and _ as spaces),
# with the furthest funnel stage each one means: 0 handed over, 1 accepted, 2 opportunity,
# 3 won. A lost opportunity was an opportunity; a rejected or recycled lead was handed over.
STAGE_LEVELS: dict[str, int] = {
    **dict.fromkeys(("lead", "new", "open", "mql", "marketing qualified lead", "marketing qualified",
                     "prospect", "prospecting", "handed over", "rejected", "disqualified", "unqualified",
                     "recycled", "nurture", "returned to marketing"), 0),
    **dict.fromkeys(("sal", "sales accepted lead", "sales accepted", "accepted", "engaging", "working",
                     "contacted", "qualifying", "in progress"), 1),
    **dict.fromkeys(("sql", "sales qualified lead", "sales qualified", "opportunity", "opp", "proposal",
                     "negotiation", "closed lost", "lost"), 2),
    **dict.fromkeys(("customer", "won", "closed won"), 3),
}
REJECTED_STAGES = frozenset({"rejected", "disqualified", "unqualified", "recycled", "returned to marketing"})


def stage_key(value: object) -> str:
    """How a stage or reason compares: trimmed, lower case, runs of spaces, - and _ as one space."""
    return re.sub(r"[\s_\-]+", " ", str(value).strip(TRIM_CHARS).lower()).strip()


@dataclass(frozen=True)
class PipelineIssues:
    """What in the pipeline columns could not be used as written; counts of leads."""

    unreadable_dates: dict[str, int] = field(default_factory=dict)  # column -> values that are no date
    dates_before_handover: dict[str, int] = field(default_factory=dict)  # column -> dates before scored_at
    unknown_stages: dict[str, int] = field(default_factory=dict)  # stage as written -> leads (top 10)
    unknown_stage_leads: int = 0
    non_numeric_amounts: int = 0  # won_amount values that are not numbers ("n/a", "1.2k")

    def lines(self) -> list[str]:
        """One sentence per issue, for the quality summary."""
        out = [f"{column}: {count:,} value{'s' if count > 1 else ''} not readable as a date (left out of the "
               f"times)" for column, count in self.unreadable_dates.items()]
        out += [f"{column}: {count:,} date{'s' if count > 1 else ''} before the hand-over (scored_at), left out "
                f"of the times" for column, count in self.dates_before_handover.items()]
        if self.unknown_stage_leads:
            shown = ", ".join(f"{stage!r} ({count:,})" for stage, count in self.unknown_stages.items())
            out.append(f"{LIFECYCLE_STAGE}: {self.unknown_stage_leads:,} leads with a stage outside the known "
                       f"list, counted as handed over only: {shown}")
        if self.non_numeric_amounts:
            out.append(f"won_amount: {self.non_numeric_amounts:,} values that are not numbers, left out of revenue")
        return out


def instants(values: pd.Series) -> tuple[np.ndarray, int]:
    """Dates or timestamps as int64 UTC nanoseconds (``NAT`` where missing or unreadable),
    and how many present values could not be read. Never raises."""
    values = values.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(values):
        present = values.notna()
        naive = values if getattr(values.dt, "tz", None) is None else values.dt.tz_convert("UTC").dt.tz_localize(None)
    else:
        text = values.astype("string").str.strip(TRIM_CHARS)  # vectorised: a million leads
        text = text.where(text != "").astype(object).where(lambda t: t.notna(), None)
        present = text.notna()
        try:
            parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        except (ValueError, OverflowError):
            parsed = pd.to_datetime(text, utc=True, format="mixed", errors="coerce")
        naive = parsed.dt.tz_localize(None)
    naive = naive.where(naive.isna() | ((naive >= pd.Timestamp.min) & (naive <= pd.Timestamp.max)))  # 9999-12-31
    stamps = naive.astype("datetime64[ns]").to_numpy().view(np.int64).copy()
    return stamps, int((naive.isna() & present).sum())


def _text(values: pd.Series) -> np.ndarray:
    """Trimmed text per lead, '' where missing or blank."""
    text = values.reset_index(drop=True).astype("string").str.strip(TRIM_CHARS)
    return text.fillna("").to_numpy(dtype=object)


def _keys(text: np.ndarray) -> np.ndarray:
    """``stage_key`` of each value, computed once per distinct value."""
    codes, uniques = pd.factorize(text)
    keys = np.array([stage_key(value) for value in uniques] + [""], dtype=object)
    return keys[codes]  # code -1 (none here: text has no missing values) would take the ''


def _amounts(values: pd.Series) -> tuple[np.ndarray, int]:
    values = values.reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan), 0
    text = _text(values)
    numbers = pd.to_numeric(pd.Series(text).where(text != "", None), errors="coerce").to_numpy(dtype=float)
    return numbers, int(((text != "") & np.isnan(numbers)).sum())


@dataclass(frozen=True)
class Pipeline:
    """Per lead, what happened after the hand-over (arrays in the leads' order)."""

    leads: int
    reached: dict[str, np.ndarray]  # recorded stage -> bool per lead (handed_over: every lead)
    basis: dict[str, str]  # recorded stage -> the column(s) that record it
    days: dict[str, np.ndarray]  # stage with a date -> days from hand-over (NaN: not reached, no date, bad)
    touch_hours: np.ndarray | None  # hours from hand-over to first touch (NaN: none, or before hand-over)
    touch_before_handover: np.ndarray | None  # bool: a first touch dated before the hand-over
    accepted: Flags | None  # sales' decision, where the data records one
    rejected: np.ndarray | None  # bool: turned down by sales (see rejected_basis); None: no decisions recorded
    rejected_basis: str | None
    reason_key: np.ndarray | None  # stage_key of the reason, '' where none
    reason_labels: dict[str, str]  # reason key -> its most common spelling
    amounts: np.ndarray | None  # won amount, NaN where missing or not a number
    issues: PipelineIssues
    won_told: np.ndarray | None = None  # bool: converted or a known lifecycle stage says whether it was won

    @classmethod
    def of(cls, scorer: Scorer, outcomes: Outcomes) -> Pipeline:
        """The pipeline columns of the scorer's leads, read once per scorer and outcome names."""
        return scorer.memo(("pipeline", outcomes), lambda: cls.read(scorer.leads, outcomes))

    @classmethod
    def read(cls, leads: pd.DataFrame, outcomes: Outcomes | None = None) -> Pipeline:
        """Read the pipeline columns the (mapped) leads table has; any may be absent."""
        outcomes = outcomes or Outcomes()
        n = len(leads)
        column = {name: leads[name].reset_index(drop=True) for name in leads.columns if isinstance(name, str)}
        accepted = read_flags(column[outcomes.accepted]) if outcomes.accepted in column else None
        converted = read_flags(column[outcomes.converted]) if outcomes.converted in column else None
        unreadable, early = {}, {}
        handover = instants(column[HANDOVER_AT])[0] if HANDOVER_AT in column else None
        level, unknown, unknown_leads, stage_keys = None, {}, 0, None
        if LIFECYCLE_STAGE in column:
            text = _text(column[LIFECYCLE_STAGE])
            stage_keys = _keys(text)
            level = pd.Series(stage_keys).map(STAGE_LEVELS).fillna(-1).to_numpy(dtype=np.int8)
            bad = (level < 0) & (text != "")
            unknown_leads = int(bad.sum())
            counts = pd.Series(text[bad]).value_counts().head(10)
            unknown = {str(k): int(v) for k, v in counts.items()}
        dates: dict[str, np.ndarray] = {}
        for name in (ACCEPTED_AT, OPPORTUNITY_AT, WON_AT, FIRST_TOUCH_AT):
            if name in column:
                dates[name], bad_count = instants(column[name])
                if bad_count:
                    unreadable[name] = bad_count
                if handover is not None:
                    both = (dates[name] != NAT) & (handover != NAT)
                    before = int((both & (dates[name] < handover)).sum())
                    if before:
                        early[name] = before
        reached: dict[str, np.ndarray] = {HANDED_OVER: np.ones(n, dtype=bool)}
        basis: dict[str, str] = {HANDED_OVER: "every lead"}
        flags = {ACCEPTED: (accepted, outcomes.accepted), WON: (converted, outcomes.converted)}
        for stage, minimum in ((ACCEPTED, 1), (OPPORTUNITY, 2), (WON, 3)):
            sources, hit = [], np.zeros(n, dtype=bool)
            flag, flag_name = flags.get(stage, (None, ""))
            if flag is not None and flag.known.any():  # a column without one yes or no records nothing
                hit |= flag.values == 1.0
                sources.append(flag_name)
            if level is not None:
                hit |= level >= minimum
                sources.append(LIFECYCLE_STAGE)
            if not sources and STAGE_DATES[stage] in dates:
                hit |= dates[STAGE_DATES[stage]] != NAT
                sources.append(STAGE_DATES[stage])
            if sources:
                reached[stage], basis[stage] = hit, " + ".join(sources)
        later = np.zeros(n, dtype=bool)
        for stage in (WON, OPPORTUNITY, ACCEPTED):  # a later stage means the earlier ones were passed
            if stage in reached:
                reached[stage] = reached[stage] | later
                later = reached[stage]
        days = {}
        for stage, name in STAGE_DATES.items():
            if name in dates and handover is not None and stage in reached:
                days[stage] = _elapsed(dates[name], handover, reached[stage], NS_PER_DAY)
        touch_hours = touch_early = None
        if FIRST_TOUCH_AT in dates and handover is not None:
            touch = dates[FIRST_TOUCH_AT]
            touch_hours = _elapsed(touch, handover, np.ones(n, dtype=bool), NS_PER_HOUR)
            touch_early = (touch != NAT) & (handover != NAT) & (touch < handover)
        rejected, rejected_basis = _rejected(accepted, stage_keys, column, outcomes)
        reason_key, labels = None, {}
        if REJECTION_REASON in column:
            text = _text(column[REJECTION_REASON])
            reason_key = _keys(text)
            spellings = pd.DataFrame({"key": reason_key, "text": text})[text != ""]
            top = spellings.groupby(["key", "text"]).size().sort_values(ascending=False).reset_index()
            labels = dict(zip(top.drop_duplicates("key")["key"], top.drop_duplicates("key")["text"], strict=True))
        amounts, non_numeric = (None, 0)
        if outcomes.won_amount in column:
            amounts, non_numeric = _amounts(column[outcomes.won_amount])
        issues = PipelineIssues(unreadable, early, unknown, unknown_leads, non_numeric)
        won_told = None
        if converted is not None or level is not None:
            won_told = (converted.known if converted is not None else np.zeros(n, dtype=bool)) | (
                level >= 0 if level is not None else np.zeros(n, dtype=bool))
        return cls(n, reached, basis, days, touch_hours, touch_early, accepted, rejected, rejected_basis,
                   reason_key, labels, amounts, issues, won_told)

    def deals(self) -> np.ndarray:
        """Per lead: a deal, i.e. a won lead: one that reached the won stage (converted, a won
        lifecycle stage, a won_at date), or, where no outcome column says whether it was won,
        one with a won amount above 0. A lead lost with an amount of 0 is no deal."""
        won = self.reached.get(WON, np.zeros(self.leads, dtype=bool))
        if self.amounts is None:
            return won
        told = self.won_told if self.won_told is not None else np.zeros(self.leads, dtype=bool)
        return deal_mask(won, told, self.amounts)

    def has_any(self) -> bool:
        """Whether the data records anything after the hand-over beyond the lead itself."""
        return len(self.reached) > 1 or self.touch_hours is not None or self.reason_key is not None


def deal_mask(won: np.ndarray, told: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """A deal: a won lead, or, where nothing says whether the lead was won (``told``), an amount above 0."""
    return won | (~told & (np.nan_to_num(amounts, nan=0.0) > 0))


def won_amounts(leads: pd.DataFrame, converted: Flags | None, amounts: np.ndarray) -> np.ndarray:
    """``amounts`` of the deals only (``Pipeline.deals``), NaN for every other lead: what the
    matrix's won amount per cell adds up, so a lost lead's amount (an opportunity's value
    exported beside "converted = no") is never counted as won. A won_at date, which the
    funnel reads only where neither column records wins, changes no sum: such a lead counts
    here by its amount above 0."""
    n = len(amounts)
    won, told = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if converted is not None:
        won |= converted.values == 1.0
        told |= converted.known
    if LIFECYCLE_STAGE in leads.columns:
        level = pd.Series(_keys(_text(leads[LIFECYCLE_STAGE]))).map(STAGE_LEVELS).fillna(-1).to_numpy(dtype=np.int8)
        won |= level >= 3
        told |= level >= 0
    return np.where(deal_mask(won, told, amounts), amounts, np.nan)


def _elapsed(stamps: np.ndarray, handover: np.ndarray, reached: np.ndarray, unit: int) -> np.ndarray:
    """(stamp - hand-over) in ``unit`` where both are known, the stage was reached and the
    stamp is not before the hand-over; NaN elsewhere."""
    ok = reached & (stamps != NAT) & (handover != NAT) & (stamps >= handover)
    out = np.full(len(stamps), np.nan)
    out[ok] = (stamps[ok] - handover[ok]) / unit
    return out


def _rejected(accepted: Flags | None, stage_keys: np.ndarray | None, column: dict[str, pd.Series],
              outcomes: Outcomes) -> tuple[np.ndarray | None, str | None]:
    """Which leads sales turned down, from the best record of sales' decisions the data has:
    the accepted column (when it holds any decision), a rejected lifecycle stage, a rejection
    reason. A lead that did not convert was not rejected by sales: data that records no sales
    decision has no rejections (None), never "converted = no"."""
    if accepted is not None and accepted.known.any():
        return accepted.values == 0.0, f"{outcomes.accepted} = no"
    if stage_keys is not None:
        return np.isin(stage_keys, list(REJECTED_STAGES)), f"{LIFECYCLE_STAGE} rejected, disqualified or recycled"
    if REJECTION_REASON in column:
        return _text(column[REJECTION_REASON]) != "", f"a {REJECTION_REASON} given"
    return None, None
