"""Departments (部门), guide 2.1.1: the organisation tree of the address book.

In a playbook the tree is written nested (``children:``) or flat (``parent:``); both give one resource per
department keyed by its name, which must be unique in the playbook. The root 全公司 always exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from mktctl.kinds.base import Finding, Index, Kind, Observed, Path_, Playbook, Reference, Resource, Spec
from mktctl.kinds.values import depth_in_chain

if TYPE_CHECKING:
    from mktctl.tenant.connect import Tenant

WHOLE_COMPANY = "全公司"
WHOLE_COMPANY_ID = "999999"


class Department(Spec):
    name: str = Field(min_length=1, max_length=50, title="部门名称", description="部门名称: unique within the playbook")
    parent: str | None = Field(None, title="上级部门",
                               description=f"parent department's name (default: the root {WHOLE_COMPANY})")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "部门名称，在整个方案中不能重复",
        "parent": f"上级部门的名称（不填则挂在根部门{WHOLE_COMPANY}下）",
    }


class Departments(Kind[Department]):
    name = "departments"
    title = "部门"
    summary = "The department tree of the address book"
    guide = "2.1.1"
    model = Department
    api_fields = frozenset({"parent"})
    depends_on = ()
    builtin_keys = (WHOLE_COMPANY,)
    tree_parent = "parent"
    menu_path = "管理后台 > 组织架构 > 部门"

    def expand(self, item: Any, path: Path_) -> Iterator[tuple[Any, Path_, dict[str, Any]]]:
        yield from _walk(item, path, None)

    def references(self, spec: Department) -> Iterable[Reference]:
        if spec.parent and spec.parent != WHOLE_COMPANY:
            yield Reference(("parent",), "departments", spec.parent)

    def check(self, resource: Resource[Department], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.name == WHOLE_COMPANY:
            yield Finding(("name",), f"{WHOLE_COMPANY} is the root department; declare only the ones below it")

    def check_all(self, resources: list[Resource[Department]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        parents = {r.key: r.spec.parent for r in resources}
        for resource in resources:
            walk, steps = parents.get(resource.key), 0
            while walk and walk in parents and steps <= len(parents):
                if walk == resource.key:
                    yield resource, Finding(("parent",), f"department {resource.key!r} is its own ancestor")
                    break
                walk, steps = parents[walk], steps + 1

    def order(self, resources: list[Resource[Department]]) -> list[Resource[Department]]:
        parents = {r.key: r.spec.parent for r in resources}

        return sorted(resources, key=lambda r: depth_in_chain(r.key, parents))

    def api_state(self, spec: Department) -> dict[str, Any]:
        return {"parent": spec.parent or WHOLE_COMPANY}

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        answer = tenant.client.call("/cgi/department/list", {})
        departments = [d for d in answer.get("departments", []) if not d.get("isStop")]
        names = {str(d["id"]): d["name"] for d in departments}
        index.remember(self.name, WHOLE_COMPANY, WHOLE_COMPANY_ID)
        observed: dict[str, Observed] = {}
        for dept in departments:
            if str(dept["id"]) == WHOLE_COMPANY_ID:
                continue
            parent = names.get(str(dept.get("parentId")), WHOLE_COMPANY)
            observed[dept["name"]] = Observed(str(dept["id"]), {"parent": parent})
            index.remember(self.name, dept["name"], str(dept["id"]))
        return observed

    def create(self, tenant: Tenant, spec: Department, index: Index) -> str:
        body = {"department": {"name": spec.name, "parentId": int(_id(index, spec.parent))}}
        answer = tenant.client.call("/cgi/department/add", body, idempotent=False,
                                    recover=lambda: self._find(tenant, spec.name))
        return str(answer.get("departmentId"))

    def _find(self, tenant: Tenant, name: str) -> dict[str, Any] | None:
        answer = tenant.client.call("/cgi/department/list", {})
        for dept in answer.get("departments", []):
            if dept["name"] == name and not dept.get("isStop"):
                return {"departmentId": dept["id"]}
        return None

    def update(self, tenant: Tenant, remote_id: str, spec: Department, changed: set[str], index: Index) -> None:
        body: dict[str, Any] = {"id": int(remote_id), "name": spec.name}
        if "parent" in changed:
            body["parentId"] = int(_id(index, spec.parent))
        tenant.client.call("/cgi/department/update", {"department": body})

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        tenant.client.call("/cgi/department/setStatus", {"departmentId": int(remote_id), "status": 2})

    def playbook_values(self, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("parent") == WHOLE_COMPANY:  # the default parent
            return {k: v for k, v in values.items() if k != "parent"}
        return values

    def example(self) -> Any:
        return {"name": "市场部", "children": [{"name": "市场一组"}, {"name": "市场二组"}]}

    def extend_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A department written as a tree: ``children:`` holds departments that take their parent from it."""
        properties = dict(schema["properties"])
        nested = {k: v for k, v in schema.items() if k != "$defs"}
        nested.update(title="DepartmentInTree", properties={k: v for k, v in properties.items() if k != "parent"})
        children = {"type": "array", "items": {"$ref": "#/$defs/DepartmentInTree"},
                    "description": "the departments below this one (each takes its parent from the tree)"}
        nested["properties"]["children"] = children
        definitions = {**schema.get("$defs", {}), "DepartmentInTree": nested}
        return {**schema, "properties": {**properties, "children": children}, "$defs": definitions}


def _walk(item: Any, path: Path_, parent: str | None) -> Iterator[tuple[Any, Path_, dict[str, Any]]]:
    from mktctl.kinds.base import ExpandError

    if not isinstance(item, dict):
        raise ExpandError(path, "each department must be a mapping with a name")
    raw = {k: v for k, v in item.items() if k != "children"}
    derived: dict[str, Any] = {}
    if parent is not None:
        if "parent" in raw:
            raise ExpandError((*path, "parent"), "a department inside children: takes its parent from the tree; "
                                                 "remove parent:")
        derived["parent"] = parent
    yield raw, path, derived
    children = item.get("children")
    if children is None:
        return
    if not isinstance(children, list):
        raise ExpandError((*path, "children"), "children must be a list of departments")
    for index, child in enumerate(children):
        yield from _walk(child, (*path, "children", index), str(item.get("name")))


def _id(index: Index, name: str | None) -> str:
    found = index.id_of("departments", name or WHOLE_COMPANY)
    if found is None:
        raise LookupError(f"department {name!r} has no id yet")
    return found


KINDS: list[Kind[Any]] = [Departments()]
