"""Plan files: a plan as JSON with personal data masked and secrets redacted, saved, and read back; a file
that is not a usable plan is refused with a PlanFileError that names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mktctl.engine.plan import Action, FieldChange, Plan
from mktctl.engine.planfile import is_personal, load_plan, plan_document, plan_json, save_plan
from mktctl.errors import PlanError, PlanFileError
from mktctl.secrets import Redactor


def a_plan(*changes: FieldChange, kind: str = "users") -> Plan:
    return Plan(playbook={"name": "测试公司", "root": "/work/client", "digest": "p1", "env": None},
                tenant={"name": "sandbox", "fingerprint": "f1", "state_digest": "s1"},
                actions=[Action(op="create", kind=kind, key="E1", part="api", changes=changes)],
                created_at="2026-03-02T09:00:00+08:00")


def changed_values(document: dict) -> list[tuple[str, object]]:
    return [(c["field"], c["after"]) for a in document["actions"] for c in a["changes"]]


def test_mobiles_and_emails_of_a_kind_that_lists_them_as_personal_are_masked() -> None:
    plan = a_plan(FieldChange("name", None, "张三"), FieldChange("mobile", None, "13900001111"),
                  FieldChange("email", None, "zhangsan@example.cn"))

    masked = plan_document(plan)
    shown = plan_document(plan, show_pii=True)

    assert changed_values(masked) == [("name", "张三"), ("mobile", "139****1111"), ("email", "z***@example.cn")]
    assert changed_values(shown) == [("name", "张三"), ("mobile", "13900001111"), ("email", "zhangsan@example.cn")]


def test_personal_fields_are_the_ones_each_kind_declares() -> None:
    assert is_personal("users", "mobile") and is_personal("users", "email")
    assert not is_personal("users", "name")
    assert not is_personal("departments", "mobile")
    assert not is_personal("no_such_kind", "mobile")


def test_plan_json_follows_the_versioned_schema_and_redacts_secret_values(monkeypatch) -> None:
    redactor = Redactor()
    redactor.add("tok-4f1e9a7c")
    monkeypatch.setattr("mktctl.secrets.REDACTOR", redactor)
    plan = a_plan(FieldChange("app_secret", None, "tok-4f1e9a7c"), kind="wechat_accounts")

    text = plan_json(plan)

    assert "tok-4f1e9a7c" not in text
    document = json.loads(text)
    assert document["schema"] == "mktctl.plan/v1"
    assert changed_values(document) == [("app_secret", "***")]


def test_a_saved_plan_reads_back_with_its_tenant_playbook_and_actions(tmp_path: Path) -> None:
    plan = a_plan(FieldChange("name", None, "张三"))

    save_plan(plan, tmp_path / "plans" / "plan.json")
    loaded = load_plan(tmp_path / "plans" / "plan.json")

    assert loaded.tenant == plan.tenant and loaded.playbook == plan.playbook
    assert loaded.actions == plan.actions
    assert loaded.created_at == plan.created_at and loaded.prune is False


def test_a_saved_plan_never_holds_personal_values(tmp_path: Path) -> None:
    save_plan(a_plan(FieldChange("mobile", None, "13900001111")), tmp_path / "plan.json")

    text = (tmp_path / "plan.json").read_text(encoding="utf-8")

    assert "13900001111" not in text and "139****1111" in text


def test_a_plan_that_cannot_be_written_is_a_plan_file_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")

    with pytest.raises(PlanFileError, match="cannot write the plan file") as raised:
        save_plan(a_plan(), tmp_path / "a-file" / "plan.json")

    assert raised.value.file == str(tmp_path / "a-file" / "plan.json")


VALID = a_plan(FieldChange("name", None, "张三")).to_dict()
BROKEN = {
    "not JSON": ("{not json", "not a plan file: "),
    "another schema": (json.dumps({**VALID, "schema": "other/v9"}),
                       "not a mktctl.plan/v1 plan file (schema is 'other/v9')"),
    "a JSON list": ("[]", "not a mktctl.plan/v1 plan file (schema is None)"),
    "no actions": (json.dumps({k: v for k, v in VALID.items() if k != "actions"}), "the plan file is damaged"),
    "an action without a kind": (json.dumps({**VALID, "actions": [{"op": "create", "key": "E1", "part": "api"}]}),
                                 "the plan file is damaged"),
    "an unknown action": (json.dumps({**VALID, "actions": [{"op": "explode", "kind": "users", "key": "E1",
                                                            "part": "api"}]}),
                          "the plan file is damaged: unknown action 'explode'"),
    "a playbook that is not an object": (json.dumps({**VALID, "playbook": "x"}),
                                         "the plan file is damaged: 'playbook' and 'tenant' must be objects"),
    "a root that is not text": (json.dumps({**VALID, "playbook": {**VALID["playbook"], "root": 7}}),
                                "the plan file is damaged: playbook.root must be text"),
    "prune that is not a boolean": (json.dumps({**VALID, "prune": "yes"}),
                                    "the plan file is damaged: 'prune' must be true or false"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_file_that_is_not_a_usable_plan_is_refused_naming_the_file(tmp_path: Path, case: str) -> None:
    text, message = BROKEN[case]
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(PlanFileError) as raised:
        load_plan(path)

    assert str(raised.value).startswith(message)
    assert raised.value.file == str(path)
    assert isinstance(raised.value, PlanError)


def test_a_missing_or_binary_plan_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00plan")

    with pytest.raises(PlanFileError, match=r"cannot read the plan file .*missing\.json: file not found"):
        load_plan(tmp_path / "missing.json")
    with pytest.raises(PlanFileError, match=r"binary\.json is not UTF-8 text"):
        load_plan(tmp_path / "binary.json")
