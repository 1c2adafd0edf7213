"""Broken playbooks, each with the exact problems `mktctl validate` must report (file:line:col: message).

A case is the files of a playbook folder and the expected problem lines, in the order they are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORG = """\
departments:
  - name: 市场部
    children:
      - name: 市场一组
users:
  - employee_number: E1
    name: 张三
    mobile: "13900001111"
    department: 市场部
"""


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str]
    expected: list[str]
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


CASES: list[Case] = [
    Case("misspelt section", {"mktctl.yaml": "version: 1\ndepartmnts:\n  - name: 市场部\n"},
         ["mktctl.yaml:2:1: error: unknown section 'departmnts'; did you mean 'departments'?"]),
    Case("misspelt field", {"mktctl.yaml": "users:\n  - employee_number: E1\n    nmae: 张三\n"
                                             "    mobile: '13900001111'\n"},
         ["mktctl.yaml:2:5: error: users: missing required field 'name'",
          "mktctl.yaml:3:5: error: unknown field 'nmae' in users; did you mean 'name'?"]),
    Case("unknown department reference", {"mktctl.yaml": ORG.replace("department: 市场部", "department: 市场二部")},
         ["mktctl.yaml:9:17: error: users 'E1' refers to unknown departments '市场二部'; did you mean '市场部'?"]),
    Case("invalid mobile", {"mktctl.yaml": ORG.replace('"13900001111"', '"1390000111"')},
         ["mktctl.yaml:8:13: error: users: mobile: not a valid mobile number (11 digits starting with 1, or +country "
          "code and number)"]),
    Case("invalid email", {"mktctl.yaml": ORG + "    email: zhangsan.example.cn\n"},
         ["mktctl.yaml:10:12: error: users: email: not a valid email address"]),
    Case("duplicate key in YAML", {"mktctl.yaml": "name: a\nname: b\n"},
         ["mktctl.yaml:2:1: error: duplicate key 'name'"]),
    Case("YAML syntax error", {"mktctl.yaml": "departments:\n  - name: [市场部\n"},
         ["mktctl.yaml:3:1: error: YAML syntax error: while parsing a flow sequence expected ',' or ']', but got "
          "'<stream end>'"]),
    Case("tab indentation", {"mktctl.yaml": "departments:\n\t- name: 市场部\n"},
         ["mktctl.yaml:2:1: error: YAML syntax error: while scanning for the next token found character '\\t' that "
          "cannot start any token"]),
    Case("python tag", {"mktctl.yaml": "name: !!python/object/apply:os.system ['echo hi']\n"},
         ["mktctl.yaml:1:7: error: YAML tag !!python/object/apply:os.system is not allowed in a playbook"]),
    Case("bad data scope", {"mktctl.yaml": "roles:\n  - name: 经理\n    data_scope: everyone\n"},
         ["mktctl.yaml:3:17: error: roles: data_scope: Input should be 'own', 'department', 'department_and_below' "
          "or 'all'"]),
    Case("misspelt data scope", {"mktctl.yaml": "roles:\n  - name: 经理\n    data_scope: departmnt\n"},
         ["mktctl.yaml:3:17: error: roles: data_scope: Input should be 'own', 'department', 'department_and_below' "
          "or 'all'; did you mean 'department'?"]),
    Case("unknown permission action", {"mktctl.yaml": "roles:\n  - name: 经理\n    permissions:\n"
                                                        "      leads: [view, exprot]\n"},
         ["mktctl.yaml:4:7: error: roles: permissions: leads: unknown action 'exprot'; did you mean 'export'?"]),
    Case("unknown permission module", {"mktctl.yaml": "roles:\n  - name: 经理\n    permissions:\n      lead: [view]\n"},
         ["mktctl.yaml:4:7: error: roles: permissions: unknown module 'lead'; did you mean 'leads'?"]),
    Case("unknown role in assignment", {"mktctl.yaml": ORG + "roles:\n  - name: 市场经理\nrole_assignments:\n"
                                                       "  - role: 市场经里\n    users: [E1]\n"},
         ["mktctl.yaml:13:11: error: role_assignments '市场经里' refers to unknown roles '市场经里'; did you mean "
          "'市场经理'?"]),
    Case("unknown user in assignment", {"mktctl.yaml": ORG + "role_assignments:\n  - role: CRM管理员\n"
                                                                "    users: [E1, E2]\n"},
         ["mktctl.yaml:12:17: error: role_assignments 'CRM管理员' refers to unknown users 'E2'"]),
    Case("duplicate department", {"mktctl.yaml": "departments:\n  - name: 市场部\n  - name: 市场部\n"},
         ["mktctl.yaml:3:11: error: duplicate departments '市场部' (first declared at mktctl.yaml:2:5)"]),
    Case("department cycle", {"mktctl.yaml": "departments:\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n"},
         ["mktctl.yaml:3:13: error: department 'A' is its own ancestor",
          "mktctl.yaml:5:13: error: department 'B' is its own ancestor"]),
    Case("leader loop", {"mktctl.yaml": "users:\n  - employee_number: E1\n    name: 甲\n    mobile: '13900001111'\n"
                                        "    leader: E2\n  - employee_number: E2\n    name: 乙\n"
                                        "    mobile: '13900002222'\n    leader: E1\n"},
         ["mktctl.yaml:5:13: error: user 'E1': the leader chain loops back to this user",
          "mktctl.yaml:9:13: error: user 'E2': the leader chain loops back to this user"]),
    Case("same mobile twice", {"mktctl.yaml": "users:\n  - employee_number: E1\n    name: 甲\n"
                                              "    mobile: '13900001111'\n  - employee_number: E2\n    name: 乙\n"
                                              "    mobile: 139-0000-1111\n"},
         ["mktctl.yaml:7:13: error: user 'E2' has the same mobile as user 'E1'; a mobile is one login"]),
    Case("undefined variable", {"mktctl.yaml": "variables:\n  region: 华东\ndepartments:\n  - name: ${var.regoin}组\n"},
         ["mktctl.yaml:4:11: error: undefined variable 'regoin'; did you mean 'region'?"]),
    Case("missing environment variable", {"mktctl.yaml": "departments:\n  - name: ${env:MKTCTL_TEST_UNSET}\n"},
         ["mktctl.yaml:2:11: error: environment variable MKTCTL_TEST_UNSET is not set"]),
    Case("include outside the folder", {"mktctl.yaml": "include:\n  - ../outside.yaml\n"},
         ["mktctl.yaml:2:5: error: include '../outside.yaml' points outside the playbook folder"]),
    Case("absolute include", {"mktctl.yaml": "include:\n  - /etc/passwd\n"},
         ["mktctl.yaml:2:5: error: include '/etc/passwd': absolute paths are not allowed; use a path inside the "
          "playbook folder"]),
    Case("missing include", {"mktctl.yaml": "include:\n  - org.yml\n", "org.yaml": ORG},
         ["mktctl.yaml:2:5: error: include 'org.yml': file not found; did you mean 'org.yaml'?"]),
    Case("error inside an included file", {"mktctl.yaml": "include:\n  - org.yaml\n",
                                           "org.yaml": ORG.replace("name: 张三", "name: 张三\n    title: 经理")},
         ["org.yaml:8:5: error: unknown field 'title' in users; fields are: department, email, employee_number, "
          "leader, mobile, name, position"]),
    Case("section is not a list", {"mktctl.yaml": "departments:\n  name: 市场部\n"},
         ["mktctl.yaml:2:3: error: departments must be a list of items (each starting with '- ')"]),
    Case("unsupported version", {"mktctl.yaml": "version: 2\n"},
         ["mktctl.yaml:1:10: error: unsupported playbook version 2; this mktctl reads 1"]),
    Case("alias bomb", {"mktctl.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))},
         ["mktctl.yaml:1:32: error: more than 200000 values (an alias bomb?); refusing to expand"]),
    Case("unknown overlay", {"mktctl.yaml": ORG, "envs/staging.yaml": "variables: {}\n"},
         ["error: --env prod: no file envs/prod.yaml; known: staging"], args=("--env", "prod")),
    Case("misspelt overlay section", {"mktctl.yaml": ORG, "envs/prod.yaml": "usres:\n  - employee_number: E1\n"},
         ["envs/prod.yaml:1:1: error: unknown section 'usres' in an overlay; did you mean 'users'?"],
         args=("--env", "prod")),
]

CASES.append(Case("a one-mapping section declared twice",
                  {"mktctl.yaml": "include: [a.yaml]\nbasic_settings:\n  company: {name: 甲公司}\n",
                   "a.yaml": "basic_settings:\n  company: {name: 乙公司}\n"},
                  ["a.yaml:2:3: error: basic_settings is declared twice (first at mktctl.yaml:3:3); it is one "
                   "mapping: declare it in one file"]))
