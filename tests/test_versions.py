"""VersionStore: saved versions under FOLDER/NAME/VERSION.yaml, immutable once saved, listed
with their dates, signed by their owners without changing anything else. Hand-made cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring import ModelError, load_model
from scoring.agreement.signoff import unsigned, with_details
from scoring.agreement.versions import VersionError, VersionExists, VersionStore, file_name

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = load_model(ROOT / "configs" / "default.yaml")
UTC = dt.UTC


def _model(name="B2B SaaS inbound", version="2027.1", agreed_on=None, owners=None):
    return with_details(DEFAULT, name=name, version=version, description="Q1 workshop",
                        owners=owners or {"marketing": "Dana", "sales": "Lee"}, agreed_on=agreed_on)


@pytest.fixture
def store(tmp_path: Path) -> VersionStore:
    return VersionStore(tmp_path / "models")


# ----- file names -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("B2B SaaS inbound", "B2B-SaaS-inbound"),
    ("2027.1", "2027.1"),
    ("B2B SaaS / EU (v2)", "B2B-SaaS-EU-v2"),
    ("../../etc/passwd", "etc-passwd"),
    ("..", None),
    ("  ", None),
    ("Café model", "Café-model"),
    (".hidden", "hidden"),
    ("x" * 150, "x" * 100),
    ("a\\b:c*d?e", "a-b-c-d-e"),
])
def test_file_names_are_safe(text, expected):
    if expected is None:
        with pytest.raises(VersionError, match="has no letters or digits"):
            file_name(text)
    else:
        assert file_name(text) == expected
        assert "/" not in file_name(text) and not file_name(text).startswith(".")


def test_path_stays_inside_the_folder(store):
    path = store.path("../../outside", "../../2027")
    assert path == store.folder / "outside" / "2027.yaml"
    assert store.folder.resolve() in path.resolve().parents


# ----- save -------------------------------------------------------------------------------------

def test_save_writes_name_version_yaml_without_sign_off_and_with_agreed_on(store):
    signed = type(DEFAULT).model_validate({**_model().model_dump(), "sign_off": [
        {"name": "X", "role": "sales", "signed_at": dt.datetime(2027, 1, 1, tzinfo=UTC)}]})
    path, saved = store.save(signed, today=dt.date(2027, 1, 15))
    assert path == store.folder / "B2B-SaaS-inbound" / "2027.1.yaml"
    assert saved.sign_off is None  # a new version starts unsigned
    assert saved.agreed_on == dt.date(2027, 1, 15)  # filled in: it had none
    on_disk = load_model(path)
    assert on_disk == saved
    assert (on_disk.name, on_disk.version, on_disk.owners) == ("B2B SaaS inbound", "2027.1",
                                                               {"marketing": "Dana", "sales": "Lee"})
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # written atomically


def test_save_keeps_a_given_agreement_date(store):
    _, saved = store.save(_model(agreed_on=dt.date(2026, 12, 20)), today=dt.date(2027, 1, 15))
    assert saved.agreed_on == dt.date(2026, 12, 20)


def test_a_saved_version_is_immutable(store):
    path, _ = store.save(_model())
    before = path.read_bytes()
    changed = with_details(_model(), name="B2B SaaS inbound", version="2027.1", description="other text",
                           owners={"sales": "Lee"}, agreed_on=None)
    with pytest.raises(VersionExists, match=r"version 2027\.1 of B2B SaaS inbound is already saved .*give this "
                                            r"one a new version"):
        store.save(changed)
    assert path.read_bytes() == before
    store.save(with_details(changed, name=changed.name, version="2027.2", description="other text",
                            owners=changed.owners, agreed_on=None))
    assert sorted(p.name for p in path.parent.glob("*.yaml")) == ["2027.1.yaml", "2027.2.yaml"]


def test_a_version_whose_file_name_is_taken_says_by_what(store):
    store.save(_model(version="1/2"))
    with pytest.raises(VersionExists, match=r"already holds version '1/2' of 'B2B SaaS inbound'"):
        store.save(_model(version="1-2"))


def test_save_needs_a_version(store):
    model = with_details(DEFAULT, name="No version", version="", description=None, owners=None, agreed_on=None)
    with pytest.raises(VersionError, match="has no version: give it one"):
        store.save(model)
    assert not store.folder.exists() or not list(store.folder.rglob("*.yaml"))


def test_save_reports_a_folder_it_cannot_write(tmp_path):
    blocker = tmp_path / "models"
    blocker.write_text("a file, not a folder")
    with pytest.raises(VersionError, match=r"could not save version 2027\.1 of B2B SaaS inbound"):
        VersionStore(blocker).save(_model())


# ----- list and load ----------------------------------------------------------------------------

def test_list_shows_versions_with_dates_newest_agreement_first(store):
    store.save(_model(version="2027.9"), today=dt.date(2027, 9, 1))
    store.save(_model(version="2027.10"), today=dt.date(2027, 10, 1))
    store.save(_model(version="2026.4"), today=dt.date(2026, 4, 1))
    store.save(_model(name="Other model", version="1"), today=dt.date(2020, 1, 1))
    listed = store.list()
    assert [(i.name, i.version, i.agreed_on) for i in listed] == [
        ("B2B SaaS inbound", "2027.10", dt.date(2027, 10, 1)),
        ("B2B SaaS inbound", "2027.9", dt.date(2027, 9, 1)),
        ("B2B SaaS inbound", "2026.4", dt.date(2026, 4, 1)),
        ("Other model", "1", dt.date(2020, 1, 1)),
    ]
    assert all(info.written_at > 0 and info.sign_off == () for info in listed)
    assert [i.version for i in store.list("Other model")] == ["1"]
    assert store.latest("B2B SaaS inbound").version == "2027.10"
    assert store.latest("B2B SaaS inbound", other_than="2027.10").version == "2027.9"
    assert store.latest("Nothing saved") is None


def test_same_date_versions_sort_naturally(store):
    for version in ("2027.9", "2027.10", "2027.2"):
        store.save(_model(version=version), today=dt.date(2027, 1, 1))
    assert [i.version for i in store.list()] == ["2027.10", "2027.9", "2027.2"]


def test_list_skips_broken_files_and_an_empty_store_lists_nothing(store):
    assert store.list() == []
    store.save(_model())
    (store.folder / "B2B-SaaS-inbound" / "broken.yaml").write_text("name: [", encoding="utf-8")
    assert [i.version for i in store.list()] == ["2027.1"]


def test_load_returns_the_saved_model_or_says_what_is_missing(store):
    _, saved = store.save(_model())
    assert store.load("B2B SaaS inbound", "2027.1") == saved
    with pytest.raises(VersionError, match=r"no saved version '2027\.5' of model 'B2B SaaS inbound'"):
        store.load("B2B SaaS inbound", "2027.5")
    path = store.path("B2B SaaS inbound", "2027.1")
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 25", "weight: 99", 1), encoding="utf-8")
    with pytest.raises(ModelError, match="weights must sum to 100"):
        store.load("B2B SaaS inbound", "2027.1")


def test_saved_as_matches_content_not_signatures(store):
    model = _model()
    assert store.saved_as(model) is None
    store.save(model, today=dt.date(2027, 1, 15))
    model = with_details(model, name=model.name, version=model.version, description=model.description,
                         owners=model.owners, agreed_on=dt.date(2027, 1, 15))
    assert store.saved_as(model) is not None
    store.sign("B2B SaaS inbound", "2027.1", "Dana", "marketing")
    assert store.saved_as(model).sign_off[0].name == "Dana"
    edited = with_details(model, name=model.name, version=model.version, description="edited",
                          owners=model.owners, agreed_on=model.agreed_on)
    assert store.saved_as(edited) is None


# ----- sign -------------------------------------------------------------------------------------

def test_signing_adds_only_a_sign_off_entry(store):
    path, saved = store.save(_model(), today=dt.date(2027, 1, 15))
    first = store.sign("B2B SaaS inbound", "2027.1", "Dana", "Marketing", at=dt.datetime(2027, 1, 15, 14, 30, tzinfo=UTC))
    second = store.sign("B2B SaaS inbound", "2027.1", " Lee ", "sales",
                        at=dt.datetime(2027, 1, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    on_disk = load_model(path)
    assert on_disk == second
    assert [(s.name, s.role, s.signed_at) for s in on_disk.sign_off] == [
        ("Dana", "marketing", dt.datetime(2027, 1, 15, 14, 30, tzinfo=UTC)),
        ("Lee", "sales", dt.datetime(2027, 1, 16, 7, 0, tzinfo=UTC)),
    ]
    assert unsigned(on_disk) == unsigned(first) == saved  # the content is as saved
    text = path.read_text(encoding="utf-8")
    assert "signed_at: '2027-01-15T14:30:00Z'" in text or "signed_at: 2027-01-15T14:30:00Z" in text
    assert [len(i.sign_off) for i in store.list()] == [2]


def test_signing_twice_in_the_same_role_is_refused_and_changes_nothing(store):
    path, _ = store.save(_model())
    store.sign("B2B SaaS inbound", "2027.1", "Dana", "marketing")
    before = path.read_bytes()
    with pytest.raises(VersionError, match=r"dana has already signed version 2027\.1 of B2B SaaS inbound as marketing"):
        store.sign("B2B SaaS inbound", "2027.1", "dana", "marketing")
    assert path.read_bytes() == before


def test_an_owner_role_other_than_sales_or_marketing_signs_as_other(store):
    store.save(_model(owners={"Customer success": "Kim"}))
    model = store.sign("B2B SaaS inbound", "2027.1", "Kim", "Customer success")
    assert model.sign_off[0].role == "other"


def test_signing_a_missing_version_or_with_a_blank_name_is_refused(store):
    with pytest.raises(VersionError, match="no saved version '9' of model 'B2B SaaS inbound'"):
        store.sign("B2B SaaS inbound", "9", "Dana", "sales")
    path, _ = store.save(_model())
    before = path.read_bytes()
    with pytest.raises(VersionError, match=r"cannot sign version 2027.1 of B2B SaaS inbound: sign_off\[0\].name"):
        store.sign("B2B SaaS inbound", "2027.1", "   ", "sales")
    assert path.read_bytes() == before


def test_a_failed_write_reports_and_leaves_the_version_as_it_was(store, monkeypatch):
    path, _ = store.save(_model())
    before = path.read_bytes()

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scoring.agreement.versions.write_atomic", full_disk)
    with pytest.raises(VersionError, match=r"could not sign .*2027\.1\.yaml: No space left on device"):
        store.sign("B2B SaaS inbound", "2027.1", "Dana", "marketing")
    with pytest.raises(VersionError, match=r"could not save version 2027\.2 .*: No space left on device"):
        store.save(_model(version="2027.2"))
    assert path.read_bytes() == before
    assert not store.exists("B2B SaaS inbound", "2027.2")
