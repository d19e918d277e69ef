"""The order codes that mean an HSG: reviewed data, validated at load, recorded, and cited."""

import re

import pytest
from conftest import edited_copy

from triage import ConfigError, create_app
from triage.core.order_codes import (
    OrderCodesError,
    bundled_order_codes_file,
    load_order_codes,
)
from triage.core.signoff import load_signoff

TEXT = bundled_order_codes_file().read_text(encoding="utf-8")


def test_the_bundled_codes_include_cpt_74740_and_each_names_its_source():
    codes = load_order_codes()
    assert ("http://www.ama-assn.org/go/cpt", "74740") in codes.pairs
    assert ("http://loinc.org", "25022-5") in codes.pairs
    for entry in codes.codes:
        assert len(entry.source.split()) >= 5, entry.code


def test_the_file_says_what_it_left_out():
    # A SNOMED CT code that could not be confirmed is left out, and the file says so.
    assert "http://snomed.info/sct" not in {entry.system for entry in load_order_codes().codes}
    assert re.search(r"SNOMED CT\. No published source", TEXT)


def test_the_bundled_codes_are_in_the_review_record():
    codes = load_order_codes()
    status = load_signoff().status("order_codes", codes.version, codes.content_hash)
    assert status.state != "unrecorded", (
        f"add a [[reviews]] entry to rules/signoff.toml: subject = 'order_codes', version = {codes.version!r}, "
        f"sha256 = {codes.content_hash!r}, and a rules/CHANGELOG.md entry")
    assert all(entry.file == "hsg-order-codes.toml" for entry in status.records)


MISTAKES = {
    "an unknown key": ('display = "RF Uterus', 'label = "RF Uterus', "code #2 (http://loinc.org|25022-5): label: unknown key"),
    "a relative system": ('system = "http://loinc.org"', 'system = "loinc"', "code #2 (loinc|25022-5): system"),
    "a code with a space": ('code = "74740"', 'code = "74 740"', "code #1"),
    "no source": ('source = "LOINC imaging', 'sauce = "LOINC imaging', "code #2 (http://loinc.org|25022-5): source: missing"),
    "no version": ('version = "1.0.0"', 'edition = "1.0.0"', "order codes: order_codes.version: missing"),
    "a computed hash": ('[order_codes]', 'content_hash = "x"\n[order_codes]', "computed by the loader"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_bad_file_is_refused_naming_the_file_the_entry_and_the_problem(tmp_path, mistake):
    old, new, message = MISTAKES[mistake]
    path = edited_copy(tmp_path, "codes.toml", TEXT, old, new)
    with pytest.raises(OrderCodesError) as refused:
        load_order_codes(path)
    assert str(refused.value).startswith(f"{path}: ") and message in str(refused.value)


def test_duplicates_are_refused(tmp_path):
    path = tmp_path / "codes.toml"
    entry = '[[codes]]\nsystem = "http://loinc.org"\ncode = "25022-5"\ndisplay = "HSG"\nsource = "x y z"\n'
    path.write_text('[order_codes]\nname = "n"\nversion = "1"\n' + entry + entry, encoding="utf-8")
    with pytest.raises(OrderCodesError, match=r"http://loinc.org\|25022-5 is listed more than once"):
        load_order_codes(path)


def test_a_bad_setting_stops_start_up_naming_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="^HSG_ORDER_CODES_FILE: .*cannot read"):
        create_app({"HSG_ORDER_CODES_FILE": str(tmp_path / "missing.toml")})


class CountingSelections(list):
    """Selections that count how often they are read from start to end."""

    reads = 0

    def __iter__(self):
        self.reads += 1
        return super().__iter__()


def test_selections_are_read_once_however_many_hsg_orders():
    """600 HSG-coded drafts against 26,600 selections rebuilt the set per entry: 650 ms (issue 26)."""
    codes = load_order_codes()
    system, code = next(iter(codes.pairs))
    drafts = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "ServiceRequest", "id": f"o-{n}", "code": {"coding": [{"system": system, "code": code}]}}}
        for n in range(600)]}
    selections = CountingSelections(f"ServiceRequest/other-{n}" for n in range(26_600))
    assert not codes.hsg_order_in(drafts, selections)
    assert selections.reads == 1
    selections.append("ServiceRequest/o-599")
    assert codes.hsg_order_in(drafts, selections) and selections.reads == 2


def test_a_coding_of_the_wrong_type_is_not_an_hsg():
    codes = load_order_codes()
    system, code = next(iter(codes.pairs))
    for coding in ({"system": system, "code": [code]}, {"system": [system], "code": code}, {"system": {}, "code": code}):
        assert not codes.is_hsg({"resourceType": "ServiceRequest", "code": {"coding": [coding]}})
