"""scoring.agreement.signoff: editing a model's name, version, description, owners and agreement
date (validated, with field paths), the owners table, and who of the owners has signed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring import ModelError, load_model
from scoring.agreement.signoff import (
    all_signed,
    edited,
    owner_fields,
    owner_rows,
    owners_from_fields,
    owners_from_rows,
    sign_off_role,
    signatures,
    signed,
    unsigned,
    with_details,
)
from scoring.model.edit import with_grades
from scoring.model.schema import LeadModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = load_model(ROOT / "configs" / "default.yaml")
UTC = dt.UTC


def _signed(owners, sign_off):
    data = DEFAULT.model_dump(mode="json", exclude_none=True, by_alias=True)
    return LeadModel.model_validate({**data, "owners": owners, "sign_off": sign_off})


def test_with_details_changes_only_the_metadata():
    model = with_details(DEFAULT, name="  EU inbound ", version=" 2027.1 ", description="Q1 workshop",
                         owners={"marketing": "Dana", "sales": "Lee"}, agreed_on=dt.date(2027, 1, 15))
    assert (model.name, model.version, model.description) == ("EU inbound", "2027.1", "Q1 workshop")
    assert model.owners == {"marketing": "Dana", "sales": "Lee"}
    assert model.agreed_on == dt.date(2027, 1, 15)
    assert (model.profile, model.engagement, model.routing) == (DEFAULT.profile, DEFAULT.engagement, DEFAULT.routing)


def test_with_details_leaves_out_blank_version_description_owners_and_date():
    model = with_details(DEFAULT, name="X", version="  ", description="", owners={}, agreed_on=None)
    assert (model.version, model.description, model.owners, model.agreed_on) == (None, None, None, None)


@pytest.mark.parametrize(("name", "message"), [
    ("", "name: string should have at least 1 character"),
    ("   ", "name: needs text other than spaces"),
    ("bad\x07name", "name: text may not contain the control character U+0007"),
])
def test_with_details_refuses_a_bad_name_with_its_path(name, message):
    with pytest.raises(ModelError) as caught:
        with_details(DEFAULT, name=name, version="1", description=None, owners=None, agreed_on=None)
    assert message in caught.value.message


def test_owner_rows_round_trip_and_offer_sales_and_marketing():
    assert owner_rows(with_details(DEFAULT, name="X", version=None, description=None, owners=None,
                                   agreed_on=None)) == [{"role": "marketing", "person": ""},
                                                        {"role": "sales", "person": ""}]
    rows = [{"role": " marketing ", "person": "Dana"}, {"role": "sales", "person": "Lee "},
            {"role": "", "person": ""}, {"role": None, "person": None}]
    owners = owners_from_rows(rows)
    assert owners == {"marketing": "Dana", "sales": "Lee"}
    assert owners_from_rows([{"role": "", "person": " "}]) is None


@pytest.mark.parametrize(("rows", "message"), [
    ([{"role": "sales", "person": ""}], "owners[0].person: an owner needs a role and a person; got 'sales' without a person"),
    ([{"role": "", "person": "Lee"}], "owners[0].role: an owner needs a role and a person; got 'Lee' without a role"),
    ([{"role": "sales", "person": "Lee"}, {"role": "sales", "person": "Kim"}],
     "owners[1].role: role 'sales' is given twice; one person per role"),
])
def test_owner_rows_with_a_gap_are_refused_with_the_row(rows, message):
    with pytest.raises(ModelError) as caught:
        owners_from_rows(rows)
    assert caught.value.message == message


@pytest.mark.parametrize(("owner_role", "role"), [
    ("sales", "sales"), ("Sales", "sales"), (" MARKETING ", "marketing"), ("Customer success", "other"),
    ("other", "other"),
])
def test_owner_roles_map_to_signature_roles(owner_role, role):
    assert sign_off_role(owner_role) == role


def test_signatures_pair_owners_with_their_signature_and_list_others_after():
    at = "2027-01-15T10:00:00Z"
    model = _signed({"marketing": "Dana", "sales": "Lee", "Finance": "Ana"},
                    [{"name": "dana", "role": "marketing", "signed_at": at},
                     {"name": "Lee", "role": "marketing", "signed_at": at},  # Lee signed in the wrong role
                     {"name": "Ana", "role": "other", "signed_at": at}])
    lines = signatures(model)
    assert [(s.owner_role, s.person, s.role, s.signed is not None) for s in lines] == [
        ("marketing", "Dana", "marketing", True),
        ("sales", "Lee", "sales", False),
        ("Finance", "Ana", "other", True),
        ("marketing", "Lee", "marketing", True),  # not an owner's signature: listed after the owners
    ]
    assert not all_signed(model)
    assert signed(model, " DANA ", "marketing").signed_at == dt.datetime(2027, 1, 15, 10, tzinfo=UTC)
    assert signed(model, "Dana", "sales") is None


def test_all_signed_needs_owners_and_every_owner():
    at = "2027-01-15T10:00:00Z"
    assert all_signed(_signed({"sales": "Lee"}, [{"name": "Lee", "role": "sales", "signed_at": at}]))
    assert not all_signed(_signed(None, [{"name": "Lee", "role": "sales", "signed_at": at}]))


def test_unsigned_drops_only_the_sign_off():
    model = _signed({"sales": "Lee"}, [{"name": "Lee", "role": "sales", "signed_at": "2027-01-15T10:00:00Z"}])
    assert unsigned(model).sign_off is None
    assert unsigned(model).owners == {"sales": "Lee"}
    assert unsigned(DEFAULT) is DEFAULT


def test_an_edit_drops_the_signatures_and_keeping_the_content_keeps_them():
    model = _signed({"sales": "Lee"}, [{"name": "Lee", "role": "sales", "signed_at": "2027-01-15T10:00:00Z"}])
    reweighted = with_grades(model, "profile", {"A": 75, "B": 50, "C": 30})
    assert reweighted.sign_off is not None  # the edit functions leave the section alone
    assert edited(model, reweighted).sign_off is None
    assert edited(model, reweighted) == unsigned(reweighted)
    assert edited(model, model) is model
    assert edited(unsigned(model), model) is model  # signing is not an edit of the content


def test_owner_fields_split_marketing_sales_and_others():
    model = _signed({"Marketing": "Dana", "sales": "Lee", "Finance": "Ana", "CS": "Kim"}, None)
    assert owner_fields(model) == ("Dana", "Lee", "Finance: Ana\nCS: Kim")
    assert owner_fields(DEFAULT) == ("Marketing ops", "Sales development", "")
    assert owner_fields(_signed(None, None)) == ("", "", "")


def test_owners_from_fields_reads_the_form():
    assert owners_from_fields(" Dana ", "Lee", "Finance: Ana\n\n  CS :Kim ") == {
        "marketing": "Dana", "sales": "Lee", "Finance": "Ana", "CS": "Kim"}
    assert owners_from_fields("", "Lee", "") == {"sales": "Lee"}
    assert owners_from_fields("", "", " \n") is None


@pytest.mark.parametrize(("others", "message"), [
    ("Kim", "owners (other owners, line 1): write each other owner as role: person; got 'Kim'"),
    ("Finance: Ana\n: Kim", "owners (other owners, line 2): write each other owner as role: person; got ': Kim'"),
    ("Finance:", "owners (other owners, line 1): write each other owner as role: person; got 'Finance:'"),
    ("sales: Kim", "owners[2].role: role 'sales' is given twice; one person per role"),
])
def test_owners_from_fields_names_the_bad_line(others, message):
    with pytest.raises(ModelError) as caught:
        owners_from_fields("Dana", "Lee", others)
    assert caught.value.message == message
