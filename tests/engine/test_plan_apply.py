"""Plan and apply against the embedded sandbox: order, idempotency, updates, drift, prune, ledger."""

from __future__ import annotations

import pytest

from mktctl.engine.ledger import LEDGER_FILE, Ledger
from mktctl.engine.plan import Plan
from mktctl.engine.session import check_saved_plan, execute, open_session
from mktctl.errors import StalePlanError
from tests.engine.helpers import BASE, apply, plan, write


def ops(p: Plan) -> list[str]:
    return [f"{a.symbol} {a.address}" for a in p.actions if a.op != "noop"]


def test_a_new_tenant_gets_everything_created_in_dependency_order(tmp_path) -> None:
    first = plan(write(tmp_path))

    assert ops(first) == [
        "+ departments/市场部", "+ departments/销售部", "+ departments/市场一组",
        "+ users/E1", "+ users/E2",
        "+ roles/市场经理", "+ roles/市场经理 (settings)",
        "+ role_assignments/市场经理",
    ]
    assert first.exit_code() == 2


def test_applying_twice_changes_nothing_the_second_time(tmp_path) -> None:
    apply(write(tmp_path))

    again = plan(tmp_path)

    assert again.changes == []
    assert again.exit_code() == 0
    assert again.summary() == "Plan: 0 to create, 0 to update, 0 to delete, 0 manual steps pending, 8 unchanged."


def test_a_changed_field_is_an_update_with_before_and_after(tmp_path) -> None:
    apply(write(tmp_path))
    write(tmp_path, BASE.replace("department: 市场一组", "department: 销售部"))

    update = plan(tmp_path)

    assert ops(update) == ["~ users/E2"]
    change = update.changes[0].changes[0]
    assert (change.field, change.before, change.after) == ("department", "市场一组", "销售部")
    apply(tmp_path)
    assert plan(tmp_path).changes == []


def test_a_change_made_by_hand_on_the_tenant_is_reported_as_drift(tmp_path) -> None:
    apply(write(tmp_path))
    session = open_session(tmp_path)
    try:
        user = session.observation.api["users"]["E1"]
        session.tenant.client.call("/cgi/user/update", {"user": {"openUserId": user.id, "position": "改过的"}})
    finally:
        session.close()

    drift = plan(tmp_path)

    assert ops(drift) == ["~ users/E1"]
    assert drift.changes[0].note == "changed on the tenant since the last apply (drift)"


def test_the_ledger_holds_ids_and_ownership_but_no_personal_data(tmp_path) -> None:
    apply(write(tmp_path))

    text = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    ledger = Ledger.load(tmp_path)

    (tenant,) = ledger.tenants.values()
    assert tenant.entry("users", "E1").owned is True
    assert tenant.entry("roles", "市场经理", "settings").owned is True
    for personal in ("13900001111", "zhangsan@example.cn", "张三", "李四"):
        assert personal not in text
    assert text == (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")  # stable


def test_the_ledger_is_written_in_a_deterministic_order(tmp_path) -> None:
    apply(write(tmp_path))
    first = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    Ledger.load(tmp_path).save()

    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == first


def test_prune_deletes_only_what_mktctl_created(tmp_path) -> None:
    apply(write(tmp_path))
    session = open_session(tmp_path)
    try:  # a department someone made by hand, then declared and applied: adopted, not owned
        session.tenant.client.call("/cgi/department/add", {"department": {"name": "手工部", "parentId": 999999}})
    finally:
        session.close()
    write(tmp_path, BASE.replace("  - name: 销售部\n", "  - name: 销售部\n  - name: 手工部\n"))
    apply(tmp_path)
    write(tmp_path, BASE.replace("  - name: 销售部\n", ""))

    without_prune = plan(tmp_path)
    pruning = plan(tmp_path, prune=True)

    assert without_prune.changes == []
    assert without_prune.orphans == ["departments/销售部"]
    (tenant,) = Ledger.load(tmp_path).tenants.values()
    assert tenant.entry("departments", "手工部").owned is False
    assert ops(pruning) == ["- departments/销售部"]
    apply(tmp_path, prune=True)
    assert plan(tmp_path, prune=True).changes == []


def test_a_saved_plan_is_refused_when_the_tenant_changed_since(tmp_path) -> None:
    write(tmp_path)
    saved = plan(tmp_path)
    apply(tmp_path)  # someone else applied in between

    session = open_session(tmp_path)
    try:
        with pytest.raises(StalePlanError, match="the tenant changed since the plan was made"):
            check_saved_plan(session, Plan.from_json(saved.to_json()))
    finally:
        session.close()


def test_a_saved_plan_is_refused_when_the_playbook_changed_since(tmp_path) -> None:
    saved = plan(write(tmp_path))
    write(tmp_path, BASE.replace("李四", "李五"))

    session = open_session(tmp_path)
    try:
        with pytest.raises(StalePlanError, match="the playbook changed"):
            check_saved_plan(session, saved)
    finally:
        session.close()


def test_a_stopped_apply_leaves_a_state_the_next_apply_finishes(tmp_path) -> None:
    import threading

    write(tmp_path)
    session = open_session(tmp_path)
    stop = threading.Event()

    def stop_after_three(event, action, position, total) -> None:
        if event == "done" and position == 3:
            stop.set()

    from mktctl.errors import ApplyInterrupted

    try:
        with pytest.raises(ApplyInterrupted, match="stopped after 3 of 8 steps"):
            execute(session, stop=stop, on_progress=stop_after_three)
    finally:
        session.close()

    rest = plan(tmp_path)
    assert len(rest.changes) == 5
    apply(tmp_path)
    assert plan(tmp_path).changes == []


def test_a_create_that_reached_the_tenant_but_not_the_ledger_is_still_owned(tmp_path) -> None:
    """As after a kill between the tenant's answer and the ledger write: the journal tells."""
    from mktctl.engine.journal import Journal
    from mktctl.tenant.settings import state_dir

    write(tmp_path)
    fingerprint = plan(tmp_path).tenant["fingerprint"]
    session = open_session(tmp_path)
    try:
        session.tenant.client.call("/cgi/department/add", {"department": {"name": "市场部", "parentId": 999999}})
    finally:
        session.close()
    Journal(state_dir(tmp_path), command="apply").write(
        "start", tenant=fingerprint, kind="departments", key="市场部", part="api", op="create", fields=[])

    apply(tmp_path)

    (tenant,) = Ledger.load(tmp_path).tenants.values()
    assert tenant.entry("departments", "市场部").owned is True


def test_renamed_from_renames_the_tenant_item_instead_of_recreating_it(tmp_path) -> None:
    apply(write(tmp_path))
    before = plan(tmp_path)
    department_id = next(a.remote_id for a in before.actions if a.address == "departments/市场部")
    role_id = next(a.remote_id for a in before.actions if a.address == "roles/市场经理")
    renamed = (BASE.replace("  - name: 市场部\n", "  - name: 市场中心\n    renamed_from: 市场部\n")
               .replace("parent: 市场部", "parent: 市场中心").replace("department: 市场部", "department: 市场中心")
               .replace("  - name: 市场经理\n", "  - name: 市场总监\n    renamed_from: 市场经理\n")
               .replace("role: 市场经理", "role: 市场总监"))
    write(tmp_path, renamed)

    rename = plan(tmp_path, prune=True)

    assert [f"{a.symbol} {a.address}" for a in rename.changes] == [
        "~ departments/市场中心", "~ departments/市场一组", "~ roles/市场总监", "~ roles/市场总监 (settings)"]
    assert rename.changes[0].changes[0].field == "name" and rename.changes[0].note == "renamed from 市场部"
    apply(tmp_path, prune=True)
    after = plan(tmp_path, prune=True)
    assert after.changes == []
    ids = {a.address: a.remote_id for a in after.actions}
    assert ids["departments/市场中心"] == department_id
    assert ids["roles/市场总监"] == role_id
    (tenant,) = Ledger.load(tmp_path).tenants.values()
    assert tenant.entry("departments", "市场部") is None
    assert tenant.entry("departments", "市场中心").owned is True
