"""Reading, mapping and checking leads and activities files (MODEL_FORMAT.md "Data")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import DataError, score, validate_model
from scoring.data.read import (
    apply_mapping,
    check_lead_ids,
    load_activities,
    load_leads,
    read_table,
    require_columns,
    to_utc_ns,
)


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def simple_model(field="industry", rules=None, entries=()):
    return validate_model({
        "name": "t",
        "profile": {
            "categories": [{"id": "c", "field": field, "weight": 100,
                            "rules": rules or [{"match": {"in": ["Software"]}, "value": 100}]}],
            "grades": {"A": 75, "B": 50, "C": 25, "D": 0},
        },
        "engagement": {"activities": list(entries), "grades": {"1": 60, "2": 35, "3": 15, "4": 0},
                       **({"recency": {"half_life_days": 10}} if entries else {})},
    })


# --- bad inputs ---------------------------------------------------------------------------------


def test_malformed_csv_row_with_too_many_fields_gives_data_error_with_line(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,industry\n1,Software\n2,Retail,extra\n3,x\n")
    with pytest.raises(DataError) as error:
        read_table(path)
    assert error.value.row == 3
    assert f"{path}:3" in str(error.value)
    assert "Traceback" not in str(error.value)


def test_unclosed_quote_gives_data_error(tmp_path):
    path = write(tmp_path, "leads.csv", 'lead_id,industry\n1,"Software\n')
    with pytest.raises(DataError, match="not a readable CSV"):
        read_table(path)


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_table(write(tmp_path, "leads.csv", "  \n"))


def test_unreadable_path_is_refused(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        read_table(tmp_path / "absent.csv")


def test_broken_parquet_is_refused(tmp_path):
    with pytest.raises(DataError, match="Parquet"):
        read_table(write(tmp_path, "leads.parquet", b"PAR1 not really parquet"))


def test_missing_column_lists_names_and_closest_existing_one():
    frame = pd.DataFrame({"lead_id": [1], "Industry": ["x"], "job_title": ["y"]})
    with pytest.raises(DataError) as error:
        require_columns(frame, ["industry", "employees", "job_title"])
    message = str(error.value)
    assert "industry (closest: Industry)" in message
    assert "employees" in message
    assert "job_title" not in message.replace("closest", "")  # present columns are not reported
    assert "columns" in message  # plural for two names


def test_missing_column_through_score_from_file(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,Industry\n1,Software\n")
    with pytest.raises(DataError) as error:
        score(simple_model(), load_leads(path))
    assert "industry (closest: Industry)" in str(error.value)
    assert str(path) in str(error.value)


def test_duplicate_lead_ids_refused_with_count_and_examples(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,industry\n7,a\n8,b\n7,c\n9,d\n8,e\n10,f\n")
    with pytest.raises(DataError) as error:
        check_lead_ids(read_table(path))
    message = str(error.value)
    assert "2 values repeat" in message
    assert "4 rows" in message
    assert "7" in message and "8" in message
    assert error.value.column == "lead_id"


def test_lead_ids_duplicate_after_trimming_and_float_form():
    with pytest.raises(DataError, match="unique"):
        check_lead_ids(pd.DataFrame({"lead_id": ["17", " 17 "]}))
    with pytest.raises(DataError, match="unique"):
        check_lead_ids(pd.DataFrame({"lead_id": [17.0, 17.0]}))


def test_missing_lead_id_column_refused():
    with pytest.raises(DataError, match="lead_id"):
        check_lead_ids(pd.DataFrame({"id": [1]}))


def test_empty_lead_id_refused_with_count_and_line(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,industry\n1,a\n,b\n  ,c\n")
    with pytest.raises(DataError) as error:
        check_lead_ids(read_table(path))
    assert "2 leads have no lead_id" in str(error.value)
    assert "line 3" in str(error.value)


def test_nan_lead_id_refused():
    with pytest.raises(DataError, match="no lead_id"):
        check_lead_ids(pd.DataFrame({"lead_id": [1.0, np.nan]}))


def test_unparseable_date_names_column_and_first_bad_line(tmp_path):
    path = write(tmp_path, "activities.csv",
                 "lead_id,activity,occurred_at\n1,demo,2024-03-01\n1,demo,31/02/2024\n2,demo,soon\n")
    activities = load_activities(path)
    with pytest.raises(DataError) as error:
        to_utc_ns(activities["occurred_at"], "occurred_at", activities)
    message = str(error.value)
    assert "occurred_at" in message
    assert "31/02/2024" in message
    assert "line 3" in message
    assert "2 such values" in message
    assert error.value.column == "occurred_at"


def test_unparseable_scored_at_through_score(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,industry,scored_at\n1,Software,2024-03-01\n2,x,not-a-date\n")
    with pytest.raises(DataError) as error:
        score(simple_model(), load_leads(path), None, "2024-03-10")
    assert "scored_at" in str(error.value)
    assert "line 3" in str(error.value)


def test_unparseable_date_without_source_names_row():
    with pytest.raises(DataError, match="row 1"):
        to_utc_ns(pd.Series(["2024-01-01", "nope"]), "scored_at")


def test_unparseable_date_line_counts_blank_lines(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,scored_at\n1,2024-01-01\n\n2,xx\n")
    frame = read_table(path)
    with pytest.raises(DataError, match="line 4"):
        to_utc_ns(frame["scored_at"], "scored_at", frame)


def test_mapping_to_nonexistent_column_is_refused():
    frame = pd.DataFrame({"lead_id": [1], "Branche": ["x"]})
    with pytest.raises(DataError) as error:
        apply_mapping(frame, {"industry": "Sector"})
    assert "Sector" in str(error.value)


def test_mapping_to_nonexistent_column_refused_by_load_and_score(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,Branche\n1,Software\n")
    with pytest.raises(DataError, match="Branch"):
        load_leads(path, {"industry": "Branch"})
    with pytest.raises(DataError, match="Branch"):
        score(simple_model(), read_table(path), mapping={"leads": {"industry": "Branch"}})


def test_activities_missing_columns_refused(tmp_path):
    path = write(tmp_path, "activities.csv", "lead_id,type,when\n1,demo,2024-01-01\n")
    with pytest.raises(DataError) as error:
        load_activities(path)
    assert "activity" in str(error.value) and "occurred_at" in str(error.value)


# --- CSV reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_detected(tmp_path, delimiter):
    text = delimiter.join(["lead_id", "industry", "note"]) + "\n"
    text += delimiter.join(["1", "Software", "a, b; c"]) + "\n" if delimiter == "\t" else ""
    text += delimiter.join(["2", "Retail", "x"]) + "\n"
    frame = read_table(write(tmp_path, "leads.csv", text))
    assert list(frame.columns) == ["lead_id", "industry", "note"]
    assert frame["industry"].iloc[-1] == "Retail"


def test_csv_quoted_field_with_delimiter(tmp_path):
    frame = read_table(write(tmp_path, "leads.csv", 'lead_id;company\n1;"Acme; Inc"\n2;"Say ""hi"""\n'))
    assert frame["company"].tolist() == ["Acme; Inc", 'Say "hi"']


def test_semicolon_file_with_decimal_commas_stays_text(tmp_path):
    frame = read_table(write(tmp_path, "leads.csv", "lead_id;revenue\n1;1,5\n2;1000\n"))
    assert frame["revenue"].tolist() == ["1,5", "1000"]


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("lead_id,city\n1,Zürich\n2,São Paulo\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "lead_id,city\n1,Zürich\n2,São Paulo\n".encode(), "utf-8-bom"),
        ("lead_id,city\n1,Zürich\n2,São Paulo\n".encode("latin-1"), "latin-1"),
    ],
)
def test_csv_encodings_decoded(tmp_path, raw, label):
    frame = read_table(write(tmp_path, f"{label}.csv", raw))
    assert list(frame.columns) == ["lead_id", "city"]  # no BOM glued to the first name
    assert frame["city"].tolist() == ["Zürich", "São Paulo"]


def test_latin1_bytes_really_are_not_utf8():
    raw = "Zürich".encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_csv_is_read_as_text_and_only_empty_is_missing(tmp_path):
    path = write(tmp_path, "leads.csv",
                 "lead_id,a,b\n1,n/a,NULL\n2,,None\n3,0042,NaN\n4,1000.0, \n5,#N/A,-\n")
    frame = read_table(path)
    assert frame["a"].iloc[0] == "n/a"
    assert frame["b"].iloc[0] == "NULL"
    assert pd.isna(frame["a"].iloc[1])
    assert frame["b"].iloc[1] == "None"
    assert frame["a"].iloc[2] == "0042"
    assert frame["b"].iloc[2] == "NaN"
    assert frame["a"].iloc[3] == "1000.0"
    assert frame["a"].iloc[4] == "#N/A"
    assert frame["lead_id"].tolist() == ["1", "2", "3", "4", "5"]


def test_csv_null_words_score_as_text(tmp_path):
    path = write(tmp_path, "leads.csv", "lead_id,industry\n1,n/a\n2,\n3,NULL\n4, \n")
    model = simple_model(rules=[{"match": {"missing": True}, "value": 10}, {"match": {"in": ["n/a"]}, "value": 50}])
    result = score(model, load_leads(path))
    assert result["profile_score"].tolist() == [50, 10, 0, 10]


def test_csv_header_names_are_trimmed(tmp_path):
    frame = read_table(write(tmp_path, "leads.csv", " lead_id , industry\n1,x\n"))
    assert list(frame.columns) == ["lead_id", "industry"]


def test_csv_bytes_source_and_source_name(tmp_path):
    frame = read_table(b"lead_id,x\n1,2\n", "upload.csv")
    assert frame.attrs["source"] == "upload.csv"
    path = write(tmp_path, "leads.csv", "lead_id\n1\n")
    assert read_table(path).attrs["source"] == str(path)


def test_crlf_line_endings(tmp_path):
    frame = read_table(write(tmp_path, "leads.csv", b"lead_id,industry\r\n1,Software\r\n2,Retail\r\n"))
    assert frame["industry"].tolist() == ["Software", "Retail"]


# --- Parquet ------------------------------------------------------------------------------------


def test_parquet_round_trip_keeps_numeric_types(tmp_path):
    original = pd.DataFrame({
        "lead_id": [1, 2, 3],
        "employees": [10, 2000, 500],
        "revenue": [1.5, np.nan, 3.0],
        "industry": ["Software", None, "Retail"],
    })
    path = tmp_path / "leads.parquet"
    original.to_parquet(path)
    frame = read_table(path)
    assert frame["lead_id"].dtype == np.int64
    assert frame["employees"].dtype == np.int64
    assert frame["revenue"].dtype == np.float64
    assert frame["employees"].tolist() == [10, 2000, 500]
    assert np.isnan(frame["revenue"].iloc[1])
    assert frame["industry"].iloc[0] == "Software"
    assert frame.attrs["source"] == str(path)


def test_parquet_from_bytes_by_name_and_by_magic(tmp_path):
    path = tmp_path / "x.parquet"
    pd.DataFrame({"lead_id": [1], "n": [2.5]}).to_parquet(path)
    raw = path.read_bytes()
    assert read_table(raw, "upload.pq")["n"].tolist() == [2.5]
    assert read_table(raw)["n"].tolist() == [2.5]


def test_parquet_scores_numbers_as_numbers(tmp_path):
    path = tmp_path / "leads.parquet"
    pd.DataFrame({"lead_id": [1, 2, 3], "employees": [1000.0, 999.0, np.nan]}).to_parquet(path)
    model = simple_model(field="employees", rules=[
        {"match": {"gte": 1000}, "value": 100}, {"match": {"in": [999]}, "value": 50},
        {"match": {"missing": True}, "value": 10},
    ])
    assert score(model, load_leads(path))["profile_score"].tolist() == [100, 50, 10]


# --- mapping ------------------------------------------------------------------------------------


def test_mapping_renames_file_columns_to_model_fields(tmp_path):
    path = write(tmp_path, "leads.csv", "Lead ID,Branche,other\n1,Software,x\n2,Retail,y\n")
    frame = load_leads(path, {"lead_id": "Lead ID", "industry": "Branche"})
    assert list(frame.columns) == ["lead_id", "industry", "other"]
    assert frame.attrs["source"] == str(path)
    result = score(simple_model(), frame)
    assert result["profile_score"].tolist() == [100, 0]


def test_mapping_through_score_for_leads_and_activities():
    leads = pd.DataFrame({"id": ["a", "b"], "sector": ["Software", "x"]})
    activities = pd.DataFrame({"who": ["a", "b"], "what": ["Demo", "demo"], "when": ["2024-03-01", "2024-02-20"]})
    model = simple_model(entries=[{"id": "d", "activity": "demo", "points": 10}])
    result = score(model, leads, activities, "2024-03-11", mapping={
        "leads": {"lead_id": "id", "industry": "sector"},
        "activities": {"lead_id": "who", "activity": "what", "occurred_at": "when"},
    })
    assert result.index.tolist() == ["a", "b"]
    assert result["profile_score"].tolist() == [100, 0]
    assert result["engagement_score"].tolist() == pytest.approx([5.0, 2.5])


def test_mapping_replaces_existing_column_of_same_name():
    frame = pd.DataFrame({"lead_id": [1], "industry": ["old"], "sector": ["Software"]})
    mapped = apply_mapping(frame, {"industry": "sector"})
    assert mapped["industry"].tolist() == ["Software"]
    assert list(mapped.columns).count("industry") == 1


def test_mapping_identity_and_empty_are_no_ops():
    frame = pd.DataFrame({"lead_id": [1], "industry": ["x"]})
    assert apply_mapping(frame, {"industry": "industry"}).equals(frame)
    assert apply_mapping(frame, None) is frame


# --- dates --------------------------------------------------------------------------------------


def test_to_utc_ns_dates_timestamps_zones_and_missing():
    values = pd.Series(["2024-03-01", "2024-03-01T12:30:00", "2024-03-01T06:00:00+06:00",
                        "2024-03-01T00:00:00Z", " 2024-03-02 ", "", None])
    result = to_utc_ns(values, "occurred_at")
    day = pd.Timestamp("2024-03-01").value
    hour = 3_600 * 10**9
    assert result[:5].tolist() == [day, day + 12 * hour + 30 * 60 * 10**9, day, day, day + 24 * hour]
    assert result[5] == result[6] == np.iinfo(np.int64).min


def test_to_utc_ns_converts_aware_datetime_column():
    values = pd.Series(pd.to_datetime(["2024-03-01T06:00:00"]).tz_localize("Asia/Dhaka"))
    assert to_utc_ns(values, "x").tolist() == [pd.Timestamp("2024-03-01").value]


def test_classic_mac_line_endings_are_read(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"lead_id,industry\r1,Software\r2,Retail\r")
    frame = read_table(path)
    assert frame["lead_id"].tolist() == ["1", "2"]
    assert frame["industry"].tolist() == ["Software", "Retail"]


def test_a_column_named_twice_after_trimming_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("lead_id,industry, industry \n1,Software,Retail\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"column 'industry' appears twice \(columns 2 and 3\)"):
        read_table(path)


def test_dates_beyond_what_nanoseconds_hold_are_a_data_error():
    frame = pd.DataFrame({"occurred_at": ["2024-01-01", "9999-12-31"]})
    with pytest.raises(DataError, match=r"column occurred_at: 9999-12-31 .* outside the dates .*row 1"):
        to_utc_ns(frame["occurred_at"], "occurred_at", frame)
    stamps = pd.Series(pd.to_datetime(["2024-01-01", "2300-01-01"]).as_unit("us"))
    with pytest.raises(DataError, match="2300-01-01"):
        to_utc_ns(stamps, "occurred_at")
