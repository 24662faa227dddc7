"""``leadgrid export``: the agreed model as YAML, JSON, JSON Schema, SQL, a dbt model or the
sign-off sheet (HTML, or Markdown for an ``--out`` ending in ``.md``; with ``--leads``, the
preview on those historical leads).

Without ``--out`` the export goes to standard output and nothing else does. With ``--out``
the file is replaced only once the new one is complete (``scoring.data.fileio.write_atomic``);
with ``--dbt``, ``--out`` is an existing folder that receives ``<name>.sql`` and
``schema.yml``. An invalid model writes nothing (exit 1); a missing output folder is a
usage error (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.agreement.sheet_html import sheet_html
from scoring.agreement.sheet_md import sheet_markdown
from scoring.cli.common import UsageError
from scoring.data.fileio import refuse_overwriting_inputs, write_atomic
from scoring.data.read import load_leads, read_table
from scoring.engine.scorer import Scorer
from scoring.measures.metrics import preview
from scoring.model.files import dump_model, dump_model_json, load_model_text, model_json_schema
from scoring.sql import DEFAULT_DIALECT, DIALECTS

DEFAULT_DBT_NAME = "lead_scores"  # as scoring.sql.dbt.DEFAULT_MODEL_NAME (sqlglot is imported on use)

FORMATS = ("yaml", "json", "json-schema", "sql", "sheet")
SHEET_SUFFIXES = (".html", ".htm", ".md")


def add_export_command(commands: argparse._SubParsersAction) -> None:
    """Register ``export`` on the CLI's sub-commands."""
    export = commands.add_parser("export", help="write the model as YAML, JSON, JSON Schema, SQL, a dbt model or the sign-off sheet")
    export.add_argument("--model", required=True, help="model YAML file")
    export.add_argument("--to", required=True, choices=FORMATS, help="what to write")
    export.add_argument("--dialect", default=DEFAULT_DIALECT, metavar="DIALECT",  # checked by scoring.sql (did-you-mean)
                        help=f"SQL dialect for --to sql: {', '.join(DIALECTS)} (default {DEFAULT_DIALECT})")
    export.add_argument("--leads-table", dest="leads_table", default="leads", metavar="TABLE",
                        help="leads table (schema.table allowed); with --dbt, the dbt model to ref()")
    export.add_argument("--activities-table", dest="activities_table", default="activities", metavar="TABLE",
                        help="activities table; with --dbt, the dbt model to ref()")
    export.add_argument("--no-activities", dest="no_activities", action="store_true",
                        help="there is no activities table (activity entries count nothing)")
    export.add_argument("--no-scored-at", dest="no_scored_at", action="store_true",
                        help="the leads table has no scored_at column (every lead uses the run's as-of)")
    export.add_argument("--as-of", dest="as_of", metavar="DATE|now",
                        help="as-of moment for leads without scored_at: a fixed date, or now (the time each "
                             "run starts); required when the model ages activities")
    export.add_argument("--leads", help="with --to sheet: historical leads (CSV or Parquet) for the preview")
    export.add_argument("--activities", help="with --to sheet and --leads: their activities")
    export.add_argument("--dbt", action="store_true", help="write a dbt model and its schema.yml")
    export.add_argument("--dbt-name", dest="dbt_name", default=DEFAULT_DBT_NAME,
                        help=f"name of the dbt model (default {DEFAULT_DBT_NAME})")
    export.add_argument("--out", help="output file (with --dbt: an existing folder); default: standard output")
    export.set_defaults(run=cmd_export)


def _check_out(args: argparse.Namespace) -> None:
    if args.dbt and args.to != "sql":
        raise UsageError("--dbt goes with --to sql")
    if args.to != "sheet" and (args.leads or args.activities):
        raise UsageError(f"{'--leads' if args.leads else '--activities'} goes with --to sheet")
    if args.activities and not args.leads:
        raise UsageError("--activities goes with --leads")
    if args.to == "sheet" and args.out and Path(args.out).suffix.lower() not in SHEET_SUFFIXES:
        raise UsageError(f"--out for --to sheet ends in .html or .md; got {args.out!r}")
    if args.to != "sql":
        for flag, given in (("--dialect", args.dialect != DEFAULT_DIALECT),
                            ("--as-of", args.as_of and args.to != "sheet"),
                            ("--no-activities", args.no_activities), ("--no-scored-at", args.no_scored_at)):
            if given:
                raise UsageError(f"{flag} goes with --to sql")
    if args.out is None:
        return
    out = Path(args.out)
    if args.dbt:
        if not out.is_dir():
            raise UsageError(f"--out {args.out}: with --dbt, --out is an existing folder; no such folder")
    elif not out.parent.is_dir():
        raise UsageError(f"--out {args.out}: the folder {out.parent} does not exist")
    elif out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give a file name (a folder goes with --dbt)")


def _options(args: argparse.Namespace):
    from scoring.sql import SqlOptions  # deferred: the sql extra's sqlglot, only for --to sql

    return SqlOptions(leads_table=args.leads_table,
                      activities_table=None if args.no_activities else args.activities_table,
                      scored_at=not args.no_scored_at, as_of=args.as_of)


def export_files(args: argparse.Namespace) -> dict[str, str]:
    """File name (relative to --out) -> text; one entry named '' for a single-file export."""
    model, source_text = load_model_text(args.model)
    if args.to == "yaml":
        return {"": dump_model(model, like=source_text)}  # a YAML file comes out as it is, comments and all
    if args.to == "json":
        return {"": dump_model_json(model)}
    if args.to == "json-schema":
        return {"": json.dumps(model_json_schema(), indent=2) + "\n"}
    if args.to == "sheet":
        return {"": _sheet(args, model)}
    try:  # deferred: sqlglot comes with the sql extra and only --to sql needs it
        from scoring.sql import ExportError, SqlOptions, export_sql
        from scoring.sql.dbt import dbt_model
    except ImportError as error:
        raise UsageError(f"--to sql needs the sql extra (pip install 'leadgrid[sql]'): {error}") from None

    try:
        if args.dbt:
            options = _options(args)
            project = dbt_model(model, args.dialect, SqlOptions(
                activities_table=options.activities_table, scored_at=options.scored_at, as_of=options.as_of),
                leads_ref=args.leads_table, activities_ref=args.activities_table, model_name=args.dbt_name)
            return project.files
        return {"": export_sql(model, args.dialect, _options(args))}
    except ExportError as error:
        raise UsageError(str(error)) from None


def _sheet(args: argparse.Namespace, model) -> str:
    """The sign-off sheet, with the preview on ``--leads`` when given."""
    result = None
    if args.leads:
        activities = read_table(args.activities) if args.activities else None
        result = preview(model, Scorer.for_model(model, load_leads(args.leads), activities, args.as_of))
    render = sheet_markdown if args.out and Path(args.out).suffix.lower() == ".md" else sheet_html
    return render(model, result, source=Path(args.leads).name if args.leads else "")


def cmd_export(args: argparse.Namespace) -> int:
    _check_out(args)
    files = export_files(args)  # everything is built before anything is written
    if args.out is None:
        if list(files) == [""]:
            sys.stdout.write(files[""])
        else:
            for name, text in files.items():
                marker = "#" if name.endswith(".yml") else "--"
                sys.stdout.write(f"{marker} file: {name}\n{text}")
        return 0
    targets = {Path(args.out) / name if name else Path(args.out): text for name, text in files.items()}
    for target in targets:
        refuse_overwriting_inputs(target, [args.model, args.leads, args.activities])
    for target, text in targets.items():
        write_atomic(target, text)
    print(f"wrote {', '.join(str(t) for t in targets)}", file=sys.stderr)
    return 0
