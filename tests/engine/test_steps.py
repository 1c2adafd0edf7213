"""Manual steps against a tenant with only the public API (roles' permissions have no API there): listed
in plan order, confirmed by name or all at once, kept in the ledger, and listed again when their values
change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mktctl.engine.ledger import Confirmation, Ledger
from mktctl.engine.session import open_session
from mktctl.engine.steps import ALL_PENDING, confirm_steps, manual_steps
from mktctl.errors import UnknownNameError
from tests.engine.helpers import BASE, plan, write

PUBLIC = "tenants:\n  sandbox-public:\n    sandbox: {api: public}\n"
TWO_ROLES = BASE.replace("role_assignments:", """\
  - name: 销售代表
    data_scope: own
    permissions:
      leads: [view, edit]
role_assignments:""")
AT = "2026-03-02T09:00:00+08:00"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, PUBLIC, "mktctl.tenants.yaml")
    return write(tmp_path, TWO_ROLES)


def confirm(folder: Path, steps: Any, *, by: str = "王芳", note: str = "") -> dict[str, Confirmation]:
    with open_session(folder, tenant="sandbox-public") as session:
        return confirm_steps(session, steps, by=by, at=AT, note=note)


def pending(folder: Path) -> list[str]:
    return [m.step for m in manual_steps(plan(folder, tenant="sandbox-public"))]


def test_a_plan_lists_its_manual_steps_in_plan_order_with_menu_path_and_values(folder: Path) -> None:
    steps = manual_steps(plan(folder, tenant="sandbox-public"))

    assert [m.step for m in steps] == ["roles/市场经理", "roles/销售代表"]
    assert steps[0].status == "pending"
    assert steps[0].menu_path == "管理后台 > 权限管理 > 角色权限 > 市场经理"
    assert ("功能权限 > 销售线索", "查看、新建、编辑、分配") in steps[0].values


def test_confirming_a_step_records_who_when_and_a_note_in_the_ledger(folder: Path) -> None:
    made = confirm(folder, ["roles/市场经理"], note="已在后台勾选")

    assert list(made) == ["roles/市场经理"]
    assert (made["roles/市场经理"].by, made["roles/市场经理"].at, made["roles/市场经理"].note) == (
        "王芳", AT, "已在后台勾选")
    (tenant,) = Ledger.load(folder).tenants.values()
    assert tenant.confirmations == made


def test_a_confirmed_step_is_listed_only_when_confirmed_steps_are_asked_for(folder: Path) -> None:
    confirm(folder, ["roles/市场经理"])

    assert pending(folder) == ["roles/销售代表"]
    everything = manual_steps(plan(folder, tenant="sandbox-public"), include_confirmed=True)
    assert [(m.step, m.status, m.confirmed_by) for m in everything] == [
        ("roles/市场经理", "confirmed", "王芳"), ("roles/销售代表", "pending", None)]


def test_all_pending_confirms_every_step_not_confirmed_yet(folder: Path) -> None:
    confirm(folder, ["roles/市场经理"], by="王芳")

    made = confirm(folder, ALL_PENDING, by="李雷")

    assert list(made) == ["roles/销售代表"]
    assert pending(folder) == []
    assert confirm(folder, ALL_PENDING) == {}


def test_a_step_named_twice_is_confirmed_once(folder: Path) -> None:
    made = confirm(folder, ["roles/销售代表", "roles/市场经理", "roles/销售代表"])

    assert list(made) == ["roles/销售代表", "roles/市场经理"]


def test_an_unknown_step_is_refused_with_the_closest_name_and_nothing_is_recorded(folder: Path) -> None:
    with pytest.raises(UnknownNameError) as raised:
        confirm(folder, ["roles/销售代表", "roles/市场经里"])

    assert str(raised.value) == "no manual step 'roles/市场经里'"
    assert raised.value.hint == "did you mean 'roles/市场经理'?"
    assert raised.value.known == ("roles/市场经理", "roles/销售代表")
    assert pending(folder) == ["roles/市场经理", "roles/销售代表"]


def test_a_confirmed_step_whose_values_change_is_listed_again_as_changed(folder: Path) -> None:
    confirm(folder, ALL_PENDING)
    write(folder, TWO_ROLES.replace("leads: [view, edit]", "leads: [view]"))

    steps = manual_steps(plan(folder, tenant="sandbox-public"))

    assert [(m.step, m.status) for m in steps] == [("roles/销售代表", "changed")]


def test_the_steps_a_playbook_can_ask_of_a_real_tenant_are_known_without_one(folder: Path) -> None:
    from mktctl.engine.steps import possible_steps
    from mktctl.playbook.load import load_playbook

    playbook, _warnings = load_playbook(folder)

    assert possible_steps(playbook) == pending(folder) == ["roles/市场经理", "roles/销售代表"]
