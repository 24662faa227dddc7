"""Real public datasets, loaded into LeadGrid's shape, each with a ready model in configs/.

``DATASETS`` maps a key to a :class:`PublicDataset`: where its files are read from,
its licence and attribution, the model written for it, and a loader that returns
``(leads, activities)`` the way the engine wants them: a ``lead_id`` column, outcome
columns (``converted``, ``won_amount``; ``accepted`` where the data records a sales
decision, which none of these do), and ``created_at`` / ``scored_at`` where the data
has dates. Everything else keeps the source's column names; each model's ``columns:``
section maps its fields onto them. Columns that leak the outcome are dropped or kept
out of the models (see docs/datasets.md).

Where a dataset is read from (:meth:`PublicDataset.default_dir`): the copy under
``sample_data/<key>/`` when LeadGrid ships one (only where the licence allows), else
``$LEADGRID_DATASETS/<key>``, else ``<repo>/../shared/datasets/<key>``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scoring.data.read import LEAD_ID, SCORED_AT, read_table
from scoring.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = ROOT / "sample_data"
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"
ENV_VAR = "LEADGRID_DATASETS"

Tables = tuple[pd.DataFrame, pd.DataFrame | None]


@dataclass(frozen=True)
class PublicDataset:
    """One public dataset: its files, licence, model and loader."""

    key: str
    title: str
    licence: str
    attribution: str
    model: str  # path of its model, relative to the repository
    redistributable: bool  # may LeadGrid ship a copy in sample_data/?
    files: tuple[str, ...]  # the files the loader reads, relative to the dataset folder
    reader: Callable[[Path], Tables]
    home: str | None = None  # a folder of the repository that always holds the files

    @property
    def model_path(self) -> Path:
        return ROOT / self.model

    def candidate_dirs(self) -> list[Path]:
        """Where the files are looked for, in order."""
        if self.home is not None:
            return [ROOT / self.home]
        dirs = []
        if self.redistributable:
            dirs.append(SAMPLE_DATA / self.key)
        if os.environ.get(ENV_VAR):
            dirs.append(Path(os.environ[ENV_VAR]) / self.key)
        dirs.append(SHARED_DATASETS / self.key)
        return dirs

    def default_dir(self) -> Path:
        """The first candidate folder that holds the dataset's files, else the last one tried."""
        dirs = self.candidate_dirs()
        return next((d for d in dirs if self.found_in(d)), dirs[-1])

    def found_in(self, directory: str | Path) -> bool:
        return all((Path(directory) / name).is_file() for name in self.files)

    def resolve(self, directory: str | Path | None = None) -> Path:
        """The folder to read: ``directory`` (or its ``<key>/`` subfolder), else the default.

        Raises ``DataError`` (one line: the path tried, and how to point elsewhere).
        """
        if directory is None:
            folder = self.default_dir()
        else:
            folder = Path(directory)
            if not self.found_in(folder) and self.found_in(folder / self.key):
                folder = folder / self.key
        if not folder.is_dir():
            raise DataError(f"dataset {self.key}: folder {folder} not found; {self._hint()}")
        absent = [name for name in self.files if not (folder / name).is_file()]
        if absent:
            raise DataError(f"dataset {self.key}: {folder / absent[0]} not found; {self._hint()}")
        return folder

    def _hint(self) -> str:
        return (f"pass --data-dir DIR (the folder holding {', '.join(self.files)}) "
                f"or set {ENV_VAR} to a folder with a {self.key}/ subfolder")

    def load(self, directory: str | Path | None = None) -> Tables:
        """``(leads, activities or None)`` in LeadGrid's shape, read from ``directory``."""
        return self.reader(self.resolve(directory))


# ------------------------------------------------------------------ loaders


def _flag(condition: pd.Series, known: pd.Series | None = None) -> pd.Series:
    """'true'/'false' text, empty (None) where ``known`` is False."""
    text = pd.Series(np.where(condition, "true", "false"), index=condition.index, dtype=object)
    return text if known is None else text.where(known, None)


def _load_x_education(folder: Path) -> Tables:
    # Thin: the file as it is, plus lead_id and converted copies so the table is in
    # LeadGrid's shape by itself. The model's columns: section maps the raw names
    # (including "Prospect ID" and "Converted"), so it also works on Leads.csv as it is.
    leads = read_table(folder / "Leads.csv")
    leads[LEAD_ID] = leads["Prospect ID"]
    leads["converted"] = leads["Converted"]
    return leads, None


def _load_bank(folder: Path) -> Tables:
    leads = read_table(folder / "bank-additional-full.csv")
    # duration (length of the last call) is known only after the call and almost
    # decides y: UCI says to drop it for a realistic model, so it never reaches scoring.
    leads = leads.drop(columns=["duration"])
    leads.insert(0, LEAD_ID, [str(n) for n in range(1, len(leads) + 1)])  # row number: no id in the file
    leads["converted"] = leads["y"]
    leads.attrs["source"] = str(folder / "bank-additional-full.csv")
    return leads, None


OLIST_MQLS = "olist_marketing_qualified_leads_dataset.csv"
OLIST_DEALS = "olist_closed_deals_dataset.csv"


def _load_olist(folder: Path) -> Tables:
    mqls = read_table(folder / OLIST_MQLS)
    deals = read_table(folder / OLIST_DEALS)
    # Only the fact and date of the win are taken from the closed deals: their other
    # columns (segment, lead type, revenue, ...) were filled in by sales while closing.
    won = deals[["mql_id", "won_date"]].drop_duplicates("mql_id")
    leads = mqls.merge(won, on="mql_id", how="left", validate="one_to_one")
    leads.insert(0, LEAD_ID, leads["mql_id"])
    leads["converted"] = _flag(leads["won_date"].notna())
    leads = leads.rename(columns={"won_date": "won_at"})
    leads["created_at"] = leads["first_contact_date"]
    leads[SCORED_AT] = leads["first_contact_date"]  # each MQL is scored when it signed up
    leads.attrs["source"] = str(folder / OLIST_MQLS)
    activities = pd.DataFrame({
        LEAD_ID: leads[LEAD_ID],
        "activity": "landing_page_signup",
        "occurred_at": leads["first_contact_date"],
    })
    activities.attrs["source"] = str(folder / OLIST_MQLS)
    return leads, activities


MAVEN_FILES = ("sales_pipeline.csv", "accounts.csv", "products.csv")
MAVEN_PRODUCT_FIX = {"GTXPro": "GTX Pro"}  # the pipeline spells it without the space


def _load_maven(folder: Path) -> Tables:
    pipeline = read_table(folder / "sales_pipeline.csv")
    accounts = read_table(folder / "accounts.csv")
    products = read_table(folder / "products.csv")
    pipeline["product"] = pipeline["product"].replace(MAVEN_PRODUCT_FIX)
    leads = (pipeline
             .merge(accounts, on="account", how="left", validate="many_to_one")
             .merge(products, on="product", how="left", validate="many_to_one"))
    leads.insert(0, LEAD_ID, leads["opportunity_id"])
    stage = leads["deal_stage"]
    decided = stage.isin(["Won", "Lost"])
    leads["converted"] = _flag(stage == "Won", decided)  # open deals: not yet known
    # close_value is the won revenue: an outcome, kept only as won_amount.
    leads["won_amount"] = leads["close_value"].where(stage == "Won", None)
    leads = leads.drop(columns=["close_value"]).rename(columns={"close_date": "closed_at"})
    leads["created_at"] = leads["engage_date"]
    leads[SCORED_AT] = leads["engage_date"]  # handed to an agent when engaging began
    leads.attrs["source"] = str(folder / "sales_pipeline.csv")
    engaged = leads[leads["engage_date"].notna()]
    activities = pd.DataFrame({
        LEAD_ID: engaged[LEAD_ID],
        "activity": "deal_engaged",
        "occurred_at": engaged["engage_date"],
    }).reset_index(drop=True)
    activities.attrs["source"] = str(folder / "sales_pipeline.csv")
    return leads, activities


# ------------------------------------------------------------------ the registry

DATASETS: dict[str, PublicDataset] = {
    dataset.key: dataset
    for dataset in (
        PublicDataset(
            key="x_education_leads",
            title="X Education lead scoring (online courses, India)",
            licence="unknown / not verified (upGrad teaching data): read from your copy, not shipped",
            attribution="X Education 'Lead Scoring' case study, upGrad / IIIT-B; republished on Kaggle "
                        "as 'Lead Scoring Dataset' (amritachatterjee09)",
            model="configs/x_education_leads.yaml",
            redistributable=False,
            files=("Leads.csv",),
            reader=_load_x_education,
        ),
        PublicDataset(
            key="bank_marketing",
            title="UCI Bank Marketing (Portuguese bank telemarketing, 2008-2010)",
            licence="CC BY 4.0: a copy ships in sample_data/bank_marketing/",
            attribution="S. Moro, P. Cortez, P. Rita, 'A Data-Driven Approach to Predict the Success of "
                        "Bank Telemarketing', Decision Support Systems 62 (2014) 22-31, "
                        "doi:10.1016/j.dss.2014.03.001; UCI Machine Learning Repository",
            model="configs/bank_marketing.yaml",
            redistributable=True,
            files=("bank-additional-full.csv",),
            reader=_load_bank,
        ),
        PublicDataset(
            key="olist_marketing_funnel",
            title="Olist marketing funnel (seller MQLs and closed deals, Brazil, 2017-2018)",
            licence="CC BY-NC-SA 4.0 (non-commercial): read from your copy, not shipped",
            attribution="Olist and André Sionek, 'Marketing Funnel by Olist', Kaggle "
                        "(olistbr/marketing-funnel-olist)",
            model="configs/olist_marketing_funnel.yaml",
            redistributable=False,
            files=(OLIST_MQLS, OLIST_DEALS),
            reader=_load_olist,
        ),
        PublicDataset(
            key="maven_crm_sales",
            title="Maven Analytics CRM sales opportunities (B2B hardware, 2016-2017)",
            licence="not verified (free practice data): read from your copy, not shipped",
            attribution="Maven Analytics, 'CRM Sales Opportunities', Maven Data Playground "
                        "(mavenanalytics.io/data-playground)",
            model="configs/maven_crm_sales.yaml",
            redistributable=False,
            files=MAVEN_FILES,
            reader=_load_maven,
        ),
    )
}


def _load_sample(folder: Path) -> Tables:
    return read_table(folder / "leads.csv"), read_table(folder / "activities.csv")


SAMPLE = PublicDataset(
    key="sample",
    title="Sample B2B leads (ships with LeadGrid)",
    licence="Synthetic, made by scoring.tools.synth; free to use",
    attribution="6,000 leads with activities and outcomes, generated from hidden fit and intent.",
    model="configs/default.yaml",
    redistributable=True,
    files=("leads.csv", "activities.csv"),
    reader=_load_sample,
    home="sample_data",
)

# Everything the designer can open by name: the sample first, then the public datasets.
CATALOGUE: dict[str, PublicDataset] = {SAMPLE.key: SAMPLE, **DATASETS}
