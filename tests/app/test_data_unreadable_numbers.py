"""The Data page counts the values a number rule cannot read ("5,000", "$5000", full-width
digits) per column, with an example, as the command line does (scoring.engine.values)."""

from __future__ import annotations

LEADS = ("lead_id,industry,employees,annual_revenue,job_title,country,total_visits,accepted\n"
         + "".join(f"L{index},Software,5000,200000000,CTO,US,25,true\n" for index in range(7)))


def _upload(open_app, raw: bytes):
    at = open_app()
    at.radio(key="w:data:source").set_value("upload").run()
    at.file_uploader(key="upload_leads").set_value(("mine.csv", raw, "text/csv"))
    at.button(key="FormSubmitter:upload_form-Use these files").click().run()
    assert not at.exception, at.exception
    return at


def _unreadable_warnings(at) -> list[str]:
    return [warning.value for warning in at.warning if "not readable as a number" in warning.value]


def test_numbers_with_separators_in_an_upload_are_counted_with_an_example(open_app):
    raw = (LEADS.replace("L0,Software,5000,200000000", 'L0,Software,"5,000",200000000')
           .replace("L1,Software,5000,200000000", "L1,Software,5\u00a0000,$200000000")
           .replace("L2,Software,5000,", "L2,Software,\uff15\uff10\uff10\uff10,"))
    warnings = _unreadable_warnings(_upload(open_app, raw.encode()))
    assert len(warnings) == 1, warnings
    assert "employees: 3 values not readable as a number, e.g. '5,000'" in warnings[0]
    assert "annual_revenue: 1 value not readable as a number, e.g. '$200000000'" in warnings[0]


def test_clean_numbers_show_no_such_warning(open_app):
    assert _unreadable_warnings(_upload(open_app, LEADS.encode())) == []
