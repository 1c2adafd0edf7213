"""The address book on the wire: departments (``/cgi/department/*``) and employees (``/cgi/user/*``) take
their parameters at the top level of the body; CRM roles (``/cgi/crm/v2/special/*``) under ``data``."""

from __future__ import annotations

from tests.helpers.served import Wire

WHOLE_COMPANY = 999999


def add_department(wire: Wire, name: str, parent: int = WHOLE_COMPANY) -> int:
    answer = wire.call("/cgi/department/add", department={"name": name, "parentId": parent})
    assert answer["errorCode"] == 0, answer
    return int(answer["departmentId"])


def add_user(wire: Wire, name: str, **fields: object) -> str:
    answer = wire.call("/cgi/user/add", user={"name": name, **fields})
    assert answer["errorCode"] == 0, answer
    return str(answer["openUserId"])


def test_a_new_corp_has_the_whole_company_department_and_an_admin(wire: Wire) -> None:
    departments = wire.call("/cgi/department/list")["departments"]
    assert [(d["id"], d["name"], d["parentId"]) for d in departments] == [(WHOLE_COMPANY, "全公司", 0)]
    users = wire.call("/cgi/user/list", departmentId=WHOLE_COMPANY)["userList"]
    assert [(u["openUserId"], u["name"]) for u in users] == [(wire.corp.admin_open_user_id, "系统管理员")]


def test_departments_form_a_tree(wire: Wire) -> None:
    marketing = add_department(wire, "市场部")
    digital = add_department(wire, "数字营销组", marketing)
    detail = wire.call("/cgi/department/detail", departmentId=digital)
    assert detail["errorCode"] == 0
    assert detail["department"]["parentDepartmentId"] == marketing
    assert detail["department"]["ancestors"] == [marketing, WHOLE_COMPANY]

    clash = wire.call("/cgi/department/add", department={"name": "数字营销组", "parentId": marketing})
    assert (clash["errorCode"], clash["errorDescription"]) == (32000, "同级部门名称重复")
    below_itself = wire.call("/cgi/department/update", department={"id": marketing, "parentId": digital})
    assert below_itself["errorMessage"] == "a department cannot move below itself"
    renamed = wire.call("/cgi/department/update", department={"id": digital, "name": "增长组"})
    assert renamed["errorCode"] == 0
    names = {d["id"]: d["name"] for d in wire.call("/cgi/department/list")["departments"]}
    assert names[digital] == "增长组"


def test_unknown_departments(wire: Wire) -> None:
    assert wire.call("/cgi/department/detail", departmentId=4242)["errorCode"] == 30007
    assert wire.call("/cgi/department/detail", departmentId="abc")["errorCode"] == 11009


def test_a_department_stops_only_when_empty(wire: Wire) -> None:
    sales = add_department(wire, "销售部")
    user = add_user(wire, "销售甲", mainDepartmentId=sales)
    busy = wire.call("/cgi/department/setStatus", departmentId=sales, status=2)
    assert (busy["errorCode"], busy["errorDescription"]) == (32000, "部门下还有在职员工")
    assert wire.call("/cgi/user/setStatus", openUserId=user, status=2)["errorCode"] == 0
    assert wire.call("/cgi/department/setStatus", departmentId=sales, status=2)["errorCode"] == 0
    assert wire.call("/cgi/department/detail", departmentId=sales)["department"]["isStop"] is True


def test_users_are_added_found_listed_and_updated(wire: Wire) -> None:
    marketing = add_department(wire, "市场部")
    digital = add_department(wire, "数字营销组", marketing)
    user = add_user(wire, "张敏", mobile="13800138000", email="zhangmin@example.com", mainDepartmentId=digital,
                    employeeNumber="E001", position="市场经理")

    got = wire.call("/cgi/user/get", openUserId=user)
    assert got["errorCode"] == 0
    assert (got["name"], got["mobile"], got["mainDepartmentId"], got["departmentIds"]) == (
        "张敏", "13800138000", digital, [digital])

    by_mobile = wire.call("/cgi/user/getByMobile", mobile="13800138000")["empList"]
    assert [(e["openUserId"], e["status"]) for e in by_mobile] == [(user, 1)]

    direct = wire.call("/cgi/user/list", departmentId=marketing)["userList"]
    with_children = wire.call("/cgi/user/list", departmentId=marketing, fetchChild=True)["userList"]
    assert direct == [] and [u["openUserId"] for u in with_children] == [user]
    simple = wire.call("/cgi/user/simpleList", departmentId=WHOLE_COMPANY)["userList"]
    assert {"openUserId": user, "name": "张敏", "nickName": None} in simple

    assert wire.call("/cgi/user/update", user={"openUserId": user, "position": "市场总监"})["errorCode"] == 0
    assert wire.call("/cgi/user/get", openUserId=user)["position"] == "市场总监"


def test_a_mobile_number_belongs_to_one_active_employee(wire: Wire) -> None:
    add_user(wire, "甲", mobile="13600136000")
    clash = wire.call("/cgi/user/add", user={"name": "乙", "mobile": "13600136000"})
    assert (clash["errorCode"], clash["errorDescription"]) == (32000, "手机号已被其他员工使用")


def test_unknown_and_protected_users(wire: Wire) -> None:
    assert wire.call("/cgi/user/get", openUserId="FSUID_NOBODY")["errorCode"] == 30027
    admin = wire.call("/cgi/user/setStatus", openUserId=wire.corp.admin_open_user_id, status=2)
    assert admin["errorMessage"] == "the system administrator cannot be stopped"
    assert wire.call("/cgi/user/add", user={"name": "x", "mainDepartmentId": 4242})["errorCode"] == 30007


def test_roles_are_listed_added_assigned_and_removed(wire: Wire) -> None:
    roles = wire.call("/cgi/crm/v2/special/roleGetRoleList", {"AuthContext": {"appId": "CRM"}})["data"]
    assert [(r["roleCode"], r["roleName"], r["roleType"]) for r in roles] == [
        ("00000000000000000000000000000006", "CRM管理员", 1)]

    added = wire.call("/cgi/crm/v2/special/roleAdd", {"roleName": "市场专员", "description": "营销通"})
    code = added["data"]["roleCode"]
    assert len(code) == 32 and code.isdigit()
    assert wire.call("/cgi/crm/v2/special/roleAdd", {"roleName": "市场专员"})["errorDescription"] == "角色名称重复"

    user = add_user(wire, "张敏")
    assigned = wire.call("/cgi/crm/v2/special/batchAddUserRole",
                         {"userIds": [user], "roleCodes": [code], "updateMajorRole": True, "majorRole": code})
    assert assigned["errorCode"] == 0
    held = wire.call("/cgi/crm/v2/special/getRolesByUsers", {"userIds": [user]})["data"]
    assert held == [{"appId": "CRM", "userId": user, "roleCode": code, "majorRole": True}]

    assert wire.call("/cgi/crm/v2/special/roleUpdate", {"roleCode": code, "roleName": "市场主管"})["errorCode"] == 0
    assert wire.call("/cgi/crm/v2/special/deleteByUserIds", {"roleCode": code, "userIds": [user]})["errorCode"] == 0
    assert wire.call("/cgi/crm/v2/special/getRolesByUsers", {"userIds": [user]})["data"] == []
    assert wire.call("/cgi/crm/v2/special/roleDelete", {"roleCode": code})["errorCode"] == 0
    names = [r["roleName"] for r in wire.call("/cgi/crm/v2/special/roleGetRoleList", {})["data"]]
    assert names == ["CRM管理员"]


def test_preset_roles_cannot_be_changed(wire: Wire) -> None:
    preset = "00000000000000000000000000000006"
    assert wire.call("/cgi/crm/v2/special/roleDelete", {"roleCode": preset})["errorDescription"] == "预置角色不能删除"
    assert wire.call("/cgi/crm/v2/special/roleUpdate", {"roleCode": preset})["errorDescription"] == "预置角色不能修改"
    assert wire.call("/cgi/crm/v2/special/roleDelete", {"roleCode": "nope"})["errorDescription"] == "角色不存在"


def test_the_root_department_reports_its_parent_as_0_and_parent_id_0_names_it(wire: Wire) -> None:
    detail = wire.call("/cgi/department/detail", departmentId=WHOLE_COMPANY)["department"]
    assert (detail["parentDepartmentId"], detail["ancestors"]) == (0, [])
    top = wire.call("/cgi/department/add", department={"name": "顶级部门", "parentId": 0})
    assert top["errorCode"] == 0
    departments = {d["id"]: d for d in wire.call("/cgi/department/list")["departments"]}
    assert departments[top["departmentId"]]["parentId"] == WHOLE_COMPANY
    same = wire.call("/cgi/department/update", department={"id": WHOLE_COMPANY, "parentId": 0, "name": "全公司"})
    assert same["errorCode"] == 0, "the root's own parent, sent back, is no change"
    moved = wire.call("/cgi/department/update", department={"id": WHOLE_COMPANY, "parentId": top["departmentId"]})
    assert moved["errorMessage"] == "the whole-company department has no parent"


def test_get_by_mobile_answers_the_full_employee_record(wire: Wire) -> None:
    sales = add_department(wire, "销售部")
    open_user_id = wire.call("/cgi/user/add", user={
        "name": "王雨", "mobile": "18100000001", "email": "wang@example.com", "position": "销售经理",
        "mainDepartmentId": sales, "attachingDepartmentIds": [WHOLE_COMPANY], "employeeNumber": "E01"})["openUserId"]
    [employee] = wire.call("/cgi/user/getByMobile", mobile="18100000001")["empList"]
    assert {k: employee[k] for k in ("openUserId", "name", "mobile", "email", "position", "status",
                                     "mainDepartmentIds", "departmentIds", "employeeNumber", "isStop")} == {
        "openUserId": open_user_id, "name": "王雨", "mobile": "18100000001", "email": "wang@example.com",
        "position": "销售经理", "status": 1, "mainDepartmentIds": [sales], "departmentIds": [sales, WHOLE_COMPANY],
        "employeeNumber": "E01", "isStop": False}


def test_batch_by_update_time_pages_the_employees_changed_in_a_window(wire: Wire) -> None:
    for number in range(5):
        wire.call("/cgi/user/add", user={"name": f"员工{number}", "mobile": f"1820000000{number}"})
    first = wire.call("/cgi/user/get/batchByUpdTime", pageSize=4, pageNumber=1)
    second = wire.call("/cgi/user/get/batchByUpdTime", pageSize=4, pageNumber=2)
    assert (first["totalCount"], first["pageCount"], first["pageNumber"], len(first["employees"])) == (6, 2, 1, 4)
    assert (second["pageNumber"], len(second["employees"])) == (2, 2)
    names = [e["name"] for e in first["employees"] + second["employees"]]
    assert names == ["系统管理员", *(f"员工{n}" for n in range(5))], "oldest change first"
    assert first["lastChangedTime"] == max(e["createTime"] for e in first["employees"] + second["employees"])
    later = wire.call("/cgi/user/get/batchByUpdTime", startTime=first["lastChangedTime"] + 1)
    assert (later["totalCount"], later["employees"]) == (0, [])
    refused = wire.call("/cgi/user/get/batchByUpdTime", pageSize=1001)
    assert refused["errorMessage"] == "pageSize is 1 to 1000 and pageNumber starts at 1"
