"""Synthetic historical leads and activities, for demos, tests and benchmarks.

Every lead has two hidden traits: *fit* (how good a customer it would be) and
*intent* (how ready it is to buy). Fit drives the explicit fields (industry,
size, revenue, title, country) through noise; intent drives the activities and
website visits. Sales decisions and conversions then follow a logistic of both
traits plus noise, so a sensible scoring model separates good leads from bad
ones clearly but never perfectly. A few percent of the values are messy the way
CRM exports are: missing, ``n/a``, stray spaces, mixed case, countries written
two ways, ``"1,200"`` employees, activities logged after the hand-over.

Everything is whole-array numpy/pyarrow work, so a million leads with ten
million activities take seconds. ``python -m scoring.tools.synth --help`` for the CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.tools.synth_pipeline import PIPELINE_COLUMNS, pipeline_columns

FIRST_CREATED = np.datetime64("2024-04-01T00:00:00", "s")
CREATION_DAYS = 570  # leads created over about 19 months, to late October 2025
MAX_LAG_DAYS = 270.0  # created_at to scored_at; everything ends before November 2026
SECONDS_PER_DAY = 86_400

LEAD_SOURCES = (
    "web form", "webinar", "trade show", "purchased list", "referral", "paid search", "organic search", "partner",
)
SOURCE_SHARE = np.array([0.22, 0.10, 0.12, 0.12, 0.07, 0.15, 0.16, 0.06])
SOURCE_FIT = np.array([0.0, 0.15, 0.1, -0.9, 0.8, -0.1, -0.05, 0.4])
SOURCE_INTENT = np.array([0.35, 0.2, -0.8, -0.8, 0.4, 0.1, 0.0, 0.0])

# Industry tiers from worst to best fit (the default model's values: 15, 20, 40, 70, 100).
INDUSTRY_TIERS = (
    ("Education", "Government", "Non-profit"),
    ("Hospitality", "Real Estate", "Agriculture", "Construction", "Energy"),
    ("Retail", "Media", "Logistics"),
    ("Healthcare", "Manufacturing", "Professional Services"),
    ("Software", "Financial Services", "Telecommunications"),
)
INDUSTRY_CUTS = np.array([-1.2, -0.7, -0.05, 0.6])

# Job titles as people type them, from worst to best seniority tier.
TITLE_TIERS = (
    ("student", "Student", "Intern", "marketing intern", "MBA Student", "unemployed"),
    ("Analyst", "Software Engineer", "Marketing Specialist", "Sales Representative", "Consultant",
     "Developer", "Account Executive", "Data Scientist", "Coordinator", "Owner", "Founder",
     "sales rep", "IT Administrator", "Product Owner", "Assistant"),
    ("Marketing Manager", "IT Manager", "Sales Manager", "Team Lead", "Project Manager",
     "marketing manager", "Product Manager", "Tech Lead", "Operations Manager", "mgr, it operations"),
    ("Head of IT", "Director of Marketing", "Sales Director", "IT Director", "head of sales",
     "Director, Engineering", "Head of Growth", "director of operations"),
    ("CTO", "CEO", "VP, Sales", "vp sales", "VP Marketing", "Chief Information Officer", "CIO",
     "CFO", "Vice President, Operations", "Chief Revenue Officer", "SVP Engineering"),
)
TITLE_CUTS = np.array([-2.0, -0.35, 0.45, 1.05])

# Countries by tier (default model: 30, 70, 100); each entry lists the ways it gets written.
COUNTRY_TIERS = (
    (("IN",), ("BR",), ("ES",), ("IT",), ("JP",), ("SG",), ("MX",), ("PL",), ("ZA",)),
    (("FR", "France"), ("NL", "Netherlands"), ("AU", "Australia"), ("SE",), ("NO",), ("DK", "Denmark")),
    (("US", "United States", "USA"), ("CA", "Canada"), ("GB", "UK", "United Kingdom"), ("DE", "Germany")),
)
COUNTRY_CUTS = np.array([-0.55, -0.05])

ACTIVITIES = (
    "demo_request", "pricing_page_visit", "content_download", "webinar_attended", "email_open",
    "email_click", "form_submit", "event_attended", "unsubscribe",
)
# Per-lead Poisson rate of each activity: exp(base + slope * intent), plus source boosts.
ACTIVITY_BASE = np.log(np.array([0.10, 0.45, 1.1, 0.22, 5.8, 1.0, 0.35, 0.15, 0.07]))
ACTIVITY_SLOPE = np.array([1.1, 0.9, 0.35, 0.45, 0.1, 0.45, 0.7, 0.2, -0.7])
# How strongly each activity clusters just before the hand-over (buying signals do).
ACTIVITY_URGENCY = np.array([1.5, 1.0, 0.0, 0.0, -0.5, 0.0, 0.8, 0.0, -0.5])
LATE_SHARE = 0.02  # activities logged after the lead was handed over

COMPANY_WORDS = (
    "North", "Blue", "Silver", "Bright", "Green", "Iron", "Peak", "Clear", "Swift", "Nova", "Apex",
    "Cedar", "River", "Summit", "Pioneer", "Atlas", "Quantum", "Stellar", "Harbor", "Vertex",
    "Crimson", "Golden", "Lumen", "Orbit", "Prairie", "Redwood", "Sterling", "Union", "Vista", "Zenith",
)
COMPANY_NOUNS = (
    "Systems", "Analytics", "Labs", "Works", "Logistics", "Health", "Capital", "Media", "Foods",
    "Energy", "Networks", "Partners", "Software", "Dynamics", "Solutions", "Retail", "Bank", "Group",
)
COMPANY_SUFFIXES = ("Inc", "Ltd", "LLC", "GmbH", "", "Corp", ", Inc.", "AG", "BV", "")

LEAD_COLUMNS = (
    "lead_id", "created_at", "scored_at", "company", "industry", "employees", "annual_revenue", "job_title",
    "country", "lead_source", "total_visits", "accepted", "converted", "won_amount", *PIPELINE_COLUMNS,
)
ACTIVITY_COLUMNS = ("lead_id", "activity", "occurred_at")
FORMATS = ("csv", "parquet")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(values: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    """Strings ``values[index]`` as an Arrow array."""
    return pa.array(list(values), pa.string()).take(pa.array(index))


def _tiered_text(rng: np.random.Generator, tiers: tuple[tuple[str, ...], ...], tier: np.ndarray) -> pa.Array:
    """A value chosen uniformly within each row's tier."""
    flat = [value for group in tiers for value in group]
    offsets = np.cumsum([0] + [len(group) for group in tiers])
    sizes = np.diff(offsets)
    index = offsets[tier] + np.floor(rng.random(len(tier)) * sizes[tier]).astype(np.int64)
    return _pick(flat, index)


def _noisy(rng: np.random.Generator, trait: np.ndarray, loading: float) -> np.ndarray:
    """A unit-variance signal that correlates ``loading`` with ``trait`` (itself ~unit variance)."""
    return loading * trait + np.sqrt(1.0 - loading**2) * rng.standard_normal(len(trait))


def _where(mask: np.ndarray, then: pa.Array | pa.Scalar, otherwise: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), then, otherwise)


def _mess_text(rng: np.random.Generator, values: pa.Array, missing: float, na: float, case: float,
               spaces: float) -> pa.Array:
    """Blank some values, write ``n/a`` in some, change the case or pad with spaces in others."""
    n = len(values)
    draw = rng.random((4, n))
    values = _where(draw[0] < case / 2, pc.utf8_lower(values), values)
    values = _where((draw[0] >= case / 2) & (draw[0] < case), pc.utf8_upper(values), values)
    trailing = pc.binary_join_element_wise(values, pa.scalar(" "), "")
    both = pc.binary_join_element_wise(pa.scalar(" "), values, pa.scalar(" "), "")
    values = _where(draw[1] < spaces / 2, trailing, values)
    values = _where((draw[1] >= spaces / 2) & (draw[1] < spaces), both, values)
    values = _where(draw[2] < na, pa.scalar("n/a"), values)
    return _where(draw[3] < missing, pa.scalar(None, pa.string()), values)


def _latent_traits(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lead source, hidden fit and hidden intent (intent leans a little on fit)."""
    source = rng.choice(len(LEAD_SOURCES), size=n, p=SOURCE_SHARE)
    fit = rng.standard_normal(n) + SOURCE_FIT[source]
    intent = 0.25 * fit + 0.95 * rng.standard_normal(n) + SOURCE_INTENT[source]
    return source, fit, intent


def _dates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """created_at over ~19 months (growing volume) and scored_at a few days to months later."""
    days = CREATION_DAYS * np.sqrt(rng.random(n))  # more leads recently, as a business grows
    created = FIRST_CREATED + (days * SECONDS_PER_DAY).astype("timedelta64[s]")
    lag_days = np.clip(rng.lognormal(np.log(25.0), 1.0, n), 0.05, MAX_LAG_DAYS)
    scored = created + (lag_days * SECONDS_PER_DAY).astype("timedelta64[s]")
    return created, scored


def _employees(rng: np.random.Generator, fit: np.ndarray) -> np.ndarray:
    """Long-tailed head counts (lognormal, median ~80), bigger for better fit."""
    size = _noisy(rng, fit, 0.7)
    return np.maximum(1, np.round(np.exp(4.4 + 1.45 * size))).astype(np.int64)


def _revenue(rng: np.random.Generator, employees: np.ndarray) -> np.ndarray:
    """Annual revenue in USD: employees times a lognormal revenue per head, to the thousand."""
    per_head = rng.lognormal(np.log(160_000.0), 0.6, len(employees))
    return (np.round(employees * per_head / 1000.0) * 1000).astype(np.int64)


def _employees_text(rng: np.random.Generator, employees: np.ndarray) -> pa.Array:
    """Head counts as text (the column is typed by hand in the CRM): a few "1,200" and "n/a"."""
    text = pc.cast(pa.array(employees), pa.string())
    thousands = pc.cast(pa.array(employees // 1000), pa.string())
    rest = pc.utf8_lpad(pc.cast(pa.array(employees % 1000), pa.string()), 3, "0")
    with_comma = pc.binary_join_element_wise(thousands, rest, ",")
    draw = rng.random((3, len(employees)))
    text = _where((employees >= 1000) & (draw[0] < 0.08), with_comma, text)
    text = _where(draw[1] < 0.004, pa.scalar("n/a"), text)
    return _where(draw[2] < 0.04, pa.scalar(None, pa.string()), text)


def _country_text(rng: np.random.Generator, tier: np.ndarray) -> pa.Array:
    """A country in its tier, written one of its ways (US / United States / USA ...)."""
    n = len(tier)
    countries = [country for group in COUNTRY_TIERS for country in group]
    offsets = np.cumsum([0] + [len(group) for group in COUNTRY_TIERS])
    sizes = np.diff(offsets)
    # Within tier 2 the US dominates; elsewhere countries are equally likely.
    pick = np.floor(rng.random(n) * sizes[tier]).astype(np.int64)
    us = (tier == 2) & (rng.random(n) < 0.45)
    country = offsets[tier] + np.where(us, 0, pick)
    spellings = [spelling for c in countries for spelling in c]
    first = np.cumsum([0] + [len(c) for c in countries])
    counts = np.diff(first)
    # Mostly the ISO code; another spelling now and then.
    other = rng.random(n) < 0.12
    variant = np.where(other & (counts[country] > 1),
                       1 + np.floor(rng.random(n) * (counts[country] - 1)).astype(np.int64), 0)
    return _pick(spellings, first[country] + variant)


def _company(rng: np.random.Generator, n: int) -> pa.Array:
    """Company names such as "Summit Analytics GmbH" or "Nova Labs, Inc."."""
    word = _pick(COMPANY_WORDS, rng.integers(0, len(COMPANY_WORDS), n))
    noun = _pick(COMPANY_NOUNS, rng.integers(0, len(COMPANY_NOUNS), n))
    suffix_index = rng.integers(0, len(COMPANY_SUFFIXES), n)
    suffix = _pick([s if s.startswith(",") or not s else " " + s for s in COMPANY_SUFFIXES], suffix_index)
    name = pc.binary_join_element_wise(word, noun, " ")
    return pc.binary_join_element_wise(name, suffix, "")


def _activity_counts(rng: np.random.Generator, source: np.ndarray, intent: np.ndarray) -> np.ndarray:
    """Per lead and activity type, how many activities (Poisson with intent-driven rates)."""
    log_rate = ACTIVITY_BASE[None, :] + ACTIVITY_SLOPE[None, :] * intent[:, None]
    webinar, trade_show = LEAD_SOURCES.index("webinar"), LEAD_SOURCES.index("trade show")
    log_rate[:, ACTIVITIES.index("webinar_attended")] += np.where(source == webinar, 1.2, 0.0)
    log_rate[:, ACTIVITIES.index("event_attended")] += np.where(source == trade_show, 1.6, 0.0)
    return rng.poisson(np.exp(log_rate)).astype(np.int32)


def _activity_times(
    rng: np.random.Generator, lead: np.ndarray, kind: np.ndarray, intent: np.ndarray,
    created: np.ndarray, scored: np.ndarray,
) -> np.ndarray:
    """When each activity happened: some in a burst before the hand-over, the rest spread
    over the lead's life; a few after the hand-over."""
    m = len(lead)
    life_s = (scored[lead] - created[lead]).astype(np.float64)
    burst = rng.random(m) < _sigmoid(0.9 * intent[lead] + ACTIVITY_URGENCY[kind] - 0.2)
    burst_age = rng.exponential(6.0 * SECONDS_PER_DAY, m)
    spread_age = rng.random(m) * (life_s + 20.0 * SECONDS_PER_DAY)  # some before the lead form
    age = np.where(burst, np.minimum(burst_age, life_s), spread_age)
    late = rng.random(m) < LATE_SHARE
    after = np.minimum(rng.exponential(20.0 * SECONDS_PER_DAY, m), 90.0 * SECONDS_PER_DAY) + 60.0
    age = np.where(late, -after, age)
    return scored[lead] - age.astype("timedelta64[s]")


def _activities(
    rng: np.random.Generator, source: np.ndarray, intent: np.ndarray, lead_ids: np.ndarray,
    created: np.ndarray, scored: np.ndarray,
) -> pa.Table:
    """The activity log, ordered by lead and time."""
    counts = _activity_counts(rng, source, intent)
    n, k = counts.shape
    flat = counts.ravel()
    lead = np.repeat(np.repeat(np.arange(n), k), flat)
    kind = np.repeat(np.tile(np.arange(k), n), flat)
    occurred = _activity_times(rng, lead, kind, intent, created, scored)
    offset = (occurred - FIRST_CREATED).astype(np.int64) + 400 * SECONDS_PER_DAY  # positive
    order = np.argsort(lead.astype(np.int64) << 32 | offset, kind="stable")
    kinds = pa.DictionaryArray.from_arrays(pa.array(kind[order].astype(np.int8)), pa.array(ACTIVITIES))
    return pa.table({
        "lead_id": pa.array(lead_ids[lead[order]]),
        "activity": kinds,
        "occurred_at": pa.array(occurred[order]),
    })


def _outcomes(rng: np.random.Generator, fit: np.ndarray, intent: np.ndarray,
              employees: np.ndarray) -> dict[str, pa.Array]:
    """Sales decisions, conversions and deal sizes from fit, intent and noise."""
    n = len(fit)
    decided = rng.random(n) < _sigmoid(-0.2 + 0.7 * fit + 0.8 * intent)
    quality = 1.2 * fit + 1.1 * intent + 0.7 * rng.standard_normal(n)
    accepted = rng.random(n) < _sigmoid(quality - 0.9)
    converted = accepted & decided & (rng.random(n) < _sigmoid(0.6 * quality - 2.0))
    amount = rng.lognormal(np.log(9_000.0), 0.7, n) * np.power(employees, 0.25)
    return {
        "accepted": pa.array(accepted, mask=~decided),
        "converted": pa.array(converted),
        "won_amount": pa.array(np.round(amount, -2).astype(np.int64), mask=~converted),
    }


def generate_tables(n_leads: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """Leads and activities as Arrow tables (what ``generate`` and the CLI build on)."""
    if n_leads < 1:
        raise ValueError("n_leads must be at least 1")
    rng = np.random.default_rng(seed)
    source, fit, intent = _latent_traits(rng, n_leads)
    created, scored = _dates(rng, n_leads)
    lead_ids = np.arange(1, n_leads + 1, dtype=np.int64) + 100_000
    industry = _tiered_text(rng, INDUSTRY_TIERS, np.digitize(_noisy(rng, fit, 0.7), INDUSTRY_CUTS))
    employees = _employees(rng, fit)
    revenue = _revenue(rng, employees)
    title = _tiered_text(rng, TITLE_TIERS, np.digitize(_noisy(rng, fit, 0.65), TITLE_CUTS))
    country = _country_text(rng, np.digitize(_noisy(rng, fit, 0.6), COUNTRY_CUTS))
    visits = rng.poisson(np.exp(1.1 + 0.6 * intent + 0.3 * rng.standard_normal(n_leads)))
    leads = {
        "lead_id": pa.array(lead_ids),
        "created_at": pa.array(created),
        "scored_at": pa.array(scored),
        "company": _mess_text(rng, _company(rng, n_leads), 0.005, 0.0, 0.01, 0.01),
        "industry": _mess_text(rng, industry, 0.025, 0.006, 0.03, 0.02),
        "employees": _employees_text(rng, employees),
        "annual_revenue": pa.array(revenue, mask=rng.random(n_leads) < 0.10),
        "job_title": _mess_text(rng, title, 0.02, 0.005, 0.03, 0.02),
        "country": _mess_text(rng, country, 0.015, 0.003, 0.02, 0.02),
        "lead_source": _pick(LEAD_SOURCES, source),
        "total_visits": pa.array(visits.astype(np.int64), mask=rng.random(n_leads) < 0.01),
        **_outcomes(rng, fit, intent, employees),
    }
    activities = _activities(rng, source, intent, lead_ids, created, scored)
    decided = leads["accepted"].is_valid().to_numpy(zero_copy_only=False)  # a stream of its own, drawn last
    leads.update(pipeline_columns(
        seed, fit=fit, intent=intent, sources=np.asarray(LEAD_SOURCES, dtype=object)[source], decided=decided,
        accepted=leads["accepted"].fill_null(False).to_numpy(zero_copy_only=False),
        converted=leads["converted"].to_numpy(zero_copy_only=False), scored=scored, employees=employees))
    return pa.table(leads), activities


def generate(n_leads: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_leads`` synthetic leads and their activities, the same for the same seed."""
    leads, activities = generate_tables(n_leads, seed)
    return _to_frame(leads), _to_frame(activities)


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas: nullable ``Int64``/``boolean`` where a column may have gaps, plain otherwise."""
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    frame = table.to_pandas(types_mapper=mapping.get)
    plain = {"lead_id": "int64", "converted": "bool", "activity": "str"}
    return frame.astype({column: dtype for column, dtype in plain.items() if column in frame.columns})


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    """Write one table as CSV (header unquoted, text quoted) or Parquet, deterministically."""
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    plain = table.cast(pa.schema([
        pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type) for f in table.schema
    ]))
    with path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode())
        pa_csv.write_csv(plain, sink, pa_csv.WriteOptions(include_header=False, quoting_style="needed",
                                                          batch_size=65_536))


def write(n_leads: int, seed: int, out: Path, fmt: str = "csv") -> tuple[Path, Path]:
    """Generate and write ``leads.<fmt>`` and ``activities.<fmt>`` to ``out``."""
    leads, activities = generate_tables(n_leads, seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / f"leads.{fmt}", out / f"activities.{fmt}")
    write_table(leads, paths[0], fmt)
    write_table(activities, paths[1], fmt)
    return paths


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage in one line (exit 2) instead of usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {text!r}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m scoring.tools.synth",
                     description="Write synthetic leads.<ext> and activities.<ext> (same seed, same files).")
    parser.add_argument("--leads", type=_whole_number(1), required=True, help="number of leads")
    parser.add_argument("--seed", type=_whole_number(0), required=True, help="random seed (0 or more)")
    parser.add_argument("--out", type=Path, required=True, help="output directory (created if needed)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="file format (default csv)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.out.exists() and not args.out.is_dir():
        print(f"python -m scoring.tools.synth: error: --out is not a directory: {args.out}", file=sys.stderr)
        return 2
    try:
        paths = write(args.leads, args.seed, args.out, args.format)
    except OSError as error:
        print(f"python -m scoring.tools.synth: error: cannot write to {args.out}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    print(f"wrote {paths[0]} and {paths[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
