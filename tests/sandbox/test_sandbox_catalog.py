"""The catalog the extension API is handed: which setting kinds it keeps and the JSON Schema a spec must
meet. The default ships beside the sandbox; another one comes from Python or ``serve --catalog FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mktctl.errors import SettingsError
from mktctl.sandbox.catalog import MAX_REASON, Catalog, default_catalog, read_catalog
from mktctl.sandbox.extension import PREFIX
from mktctl.sandbox.store import Store
from tests.conftest import RunMktctl
from tests.helpers.served import Wire, served_process

FORMS = Catalog.from_dict({"version": 1, "kinds": {"forms": {"summary": "web forms", "schema": {
    "type": "object", "additionalProperties": False, "required": ["fields"],
    "properties": {
        "fields": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "properties": {"label": {"type": "string"}}}},
        "opens": {"type": "string", "format": "date"},
        "note": {"type": "string", "maxLength": 5},
    }}}}})


def reason(catalog: Catalog, kind: str, spec: Any) -> str | None:
    try:
        catalog.check(kind, spec)
    except ValueError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("spec", "expected"), [
    ({"fields": [{"label": "姓名"}], "opens": "2025-03-01"}, None),
    ({"fields": [{"label": "姓名"}], "colour": "red"}, "unknown setting 'colour'"),
    ({"fields": [{"label": "姓名", "size": 3}]}, "fields[0]: unknown field 'size'"),
    ({"fields": [{"label": 7}]}, "fields[0].label: 7 is not of type 'string'"),
    ({"fields": "姓名"}, "fields: '姓名' is not of type 'array'"),
    ({}, "'fields' is a required property"),
    ({"fields": [{}], "opens": "next spring"}, "opens: 'next spring' is not a 'date'"),
    ([], "[] is not of type 'object'"),
])
def test_a_spec_is_checked_against_its_kinds_schema_with_the_path_of_what_is_wrong(spec: Any,
                                                                                   expected: str | None) -> None:
    assert reason(FORMS, "forms", spec) == expected


def test_a_long_reason_is_cut_short() -> None:
    found = reason(FORMS, "forms", {"fields": [{}], "note": "长" * 1000})

    assert found is not None and found.startswith("note: '长长长") and found.endswith("…")
    assert len(found) == len("note: ") + MAX_REASON


@pytest.mark.parametrize(("data", "message"), [
    ([], "a catalog is a JSON object"),
    ({"version": 2, "kinds": {}}, "catalog version 2 is not supported (expected 1)"),
    ({"version": 1}, "a catalog has 'kinds': an object of setting kinds by name"),
    ({"kinds": {"forms": []}}, "kinds.forms: expected an object with 'summary' and 'schema'"),
    ({"kinds": {"forms": {"summary": 1, "schema": {}}}}, "kinds.forms.summary: expected a string"),
    ({"kinds": {"forms": {"summary": "", "schema": "object"}}}, "kinds.forms.schema: expected a JSON Schema object"),
])
def test_a_catalog_of_the_wrong_shape_is_refused(data: Any, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        Catalog.from_dict(data)

    assert str(refused.value) == message


def test_a_catalog_file_is_read_with_every_schema_checked(tmp_path: Path) -> None:
    good, bad, broken = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "broken.json"
    good.write_text(json.dumps({"kinds": {"forms": {"summary": "web forms", "schema": {"type": "object"}}}}),
                    encoding="utf-8")
    bad.write_text(json.dumps({"kinds": {"forms": {"summary": "", "schema": {"type": "thing"}}}}), encoding="utf-8")
    broken.write_text("{", encoding="utf-8")

    assert read_catalog(good).names() == ["forms"]
    with pytest.raises(SettingsError) as invalid:
        read_catalog(bad)
    assert str(invalid.value).startswith(f"the catalog {bad}: kinds.forms.schema is not a valid JSON Schema: ")
    assert invalid.value.hint == "generate one with `python -m mktctl.kinds.catalog --out FILE` and edit it"
    with pytest.raises(SettingsError, match=r"^the catalog .*broken\.json is not JSON in UTF-8: "):
        read_catalog(broken)
    with pytest.raises(SettingsError, match=r"^cannot read the catalog .*missing\.json: "):
        read_catalog(tmp_path / "missing.json")


def test_the_default_catalog_is_the_file_shipped_beside_the_sandbox() -> None:
    import mktctl.sandbox

    shipped = json.loads((Path(mktctl.sandbox.__file__).parent / "catalog.json").read_text(encoding="utf-8"))
    catalog = default_catalog()

    assert catalog.names() == sorted(shipped["kinds"])
    assert catalog.kinds["tags"].summary == shipped["kinds"]["tags"]["summary"]
    catalog.check_schemas()


@pytest.mark.served
def test_serve_with_a_catalog_keeps_only_its_kinds(tmp_path: Path) -> None:
    path, data = tmp_path / "catalog.json", tmp_path / "sandbox.db"
    path.write_text(json.dumps({"version": 1, "kinds": {"forms": {"summary": "web forms", "schema": {
        "type": "object", "properties": {"fields": {"type": "array"}}}}}}), encoding="utf-8")

    with served_process(data, "--catalog", str(path)) as served:
        store = Store(data)
        wire = Wire(served.url, store.default_corp())
        store.close()
        kinds = wire.call(f"{PREFIX}/capabilities", {})["data"]["kinds"]
        refused = wire.call(f"{PREFIX}/settings/forms/upsert", {"key": "报名表", "spec": {"fields": "姓名"}})
        unknown = wire.call(f"{PREFIX}/settings/tags/upsert", {"key": "行业", "spec": {"values": ["制造"]}})
        wire.close()
        assert served.stop() == 0

    assert kinds == ["forms"]
    assert (refused["errorCode"], refused["errorMessage"]) == (32000, "forms 报名表: fields: '姓名' is not of type "
                                                                      "'array'")
    assert (unknown["errorCode"], unknown["errorMessage"]) == (32000, "unknown setting kind 'tags'")
    assert f"catalog: {path} (1 setting kind)" in served.stdout


def test_serve_refuses_a_catalog_that_is_not_one(mktctl: RunMktctl, tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text('{"kinds": {"forms": {"summary": "", "schema": {"type": 3}}}}',
                                           encoding="utf-8")

    run = mktctl("sandbox", "serve", "--port", "0", "--catalog", "catalog.json")

    assert run.code == 1
    assert run.stderr.splitlines()[0].startswith("error: the catalog catalog.json: kinds.forms.schema is not a "
                                                  "valid JSON Schema: ")
    assert "Traceback" not in run.output
    assert not (tmp_path / ".mktctl" / "sandbox.db").exists(), "nothing is served, nothing is created"

