"""How a playbook is laid out in a workbook, shared by the writer and the reader.

* One sheet per guide family (``Kind.guide`` ``2.1.3`` belongs to family ``2.1``), in guide order, plus a
  cover sheet (项目 / About), the role permission matrix and two hidden sheets (``_lists``: picklists,
  ``_mktctl``: what the workbook was made from).
* On a family sheet, one table ("block") per kind: a title row, a hidden row of field codes
  (``kind.field``), a header row with a note on each header, then one row per item. The reader finds
  tables by their code rows, so sheets may be renamed and columns moved or hidden.
* Special layouts where a flat table would be poor, as the kind declares them: a tree (``Kind.tree_parent``:
  departments' names indented by depth, with their parent), and a matrix (``Kind.matrix``: role permissions
  as modules × roles whose cells list the actions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mktctl.deliver import i18n
from mktctl.deliver.fields import Column, columns_of
from mktctl.kinds import guide

if TYPE_CHECKING:
    from mktctl.kinds.base import Kind, Matrix, Spec

FORMAT = "mktctl.workbook/v1"
META_SHEET = "_mktctl"
LISTS_SHEET = "_lists"
PLAYBOOK = "playbook"  # the code prefix of the playbook's own settings on the cover sheet
PLAYBOOK_FIELDS = ("name", "language", "description")
# the code row of a matrix sheet: ``roles.permissions@module_label``, ``...@module``, then ``...@role`` per item
MATRIX_ROW_LABEL, MATRIX_ROW, MATRIX_ITEM = "module_label", "module", "role"
NO_ACTIONS = "-"
CODE_PATTERN = re.compile(r"^([a-z_][a-z0-9_]*)\.([A-Za-z0-9_@]+)$")
SPARE_ROWS = 5
SURVEY_SPARE_ROWS = 8


@dataclass
class Block:
    kind: Kind[Any]
    columns: list[Column]


def registry() -> list[Kind[Any]]:
    from mktctl.kinds import registry as kinds_registry

    return list(kinds_registry.KINDS)


def families(kinds: list[Kind[Any]]) -> dict[str, list[Kind[Any]]]:
    grouped: dict[str, list[Kind[Any]]] = {}
    for kind in kinds:
        grouped.setdefault(guide.family_of(kind.guide), []).append(kind)
    return {family: grouped[family] for family in sorted(grouped, key=guide.family_order)}


def matrix_of(kind: Kind[Any]) -> Matrix | None:
    """The field the kind shows as a grid on a sheet of its own, if it declares one its model has."""
    matrix = kind.matrix
    return matrix if matrix is not None and matrix.field in kind.model.model_fields else None


def has_matrix(kind: Kind[Any]) -> bool:
    return matrix_of(kind) is not None


def matrix_codes(kind: Kind[Any], matrix: Matrix) -> tuple[str, str, str]:
    """The codes of a matrix sheet's columns: the row label, the row code, and an item's column."""
    base = code(kind.name, matrix.field)
    return f"{base}@{MATRIX_ROW_LABEL}", f"{base}@{MATRIX_ROW}", f"{base}@{MATRIX_ITEM}"


def labels_for(kind: Kind[Any]) -> dict[str, dict[str, str]]:
    """Chinese labels of picklist values, by field, as the kind declares them."""
    return {str(name): dict(values) for name, values in kind.labels.items()}


def tree_depths(kind: Kind[Any], items: list[dict[str, Any]]) -> dict[str, int]:
    """Key -> depth in the tree of ``items`` (by the kind's ``tree_parent``); empty for a kind without one."""
    from mktctl.kinds.values import depth_in_chain

    if kind.tree_parent is None:
        return {}
    parents = {str(item.get(kind.key_field)): item.get(kind.tree_parent) for item in items}
    return {key: depth_in_chain(key, parents) for key in parents}


def example_specs(kind: Kind[Any]) -> list[Spec]:
    """The kind's example, validated, as specs (empty when it has none or it does not validate alone)."""
    from pydantic import ValidationError

    from mktctl.kinds.base import ExpandError

    example = kind.example()
    if not isinstance(example, dict):
        return []
    specs = []
    try:
        for raw, _path, derived in kind.expand(example, (kind.name, 0)):
            if isinstance(raw, dict):
                specs.append(kind.model.model_validate({**raw, **derived}))
    except (ValidationError, ExpandError, TypeError, ValueError):
        return specs
    return specs


def reference_fields(kind: Kind[Any], specs: list[Spec]) -> dict[str, str]:
    """field -> the kind it names, found by asking the kind for the references of some specs."""
    found: dict[str, str] = {}
    for spec in [*specs, *example_specs(kind)]:
        try:
            references = list(kind.references(spec))
        except (AssertionError, AttributeError, TypeError, ValueError):
            continue
        for reference in references:
            if len(reference.path) == 1 and isinstance(reference.path[0], str):
                found.setdefault(reference.path[0], reference.kind)
    return found


def block_for(kind: Kind[Any], specs: list[Spec]) -> Block:
    columns = columns_of(kind.model, key_field=None if kind.singleton else kind.key_field,
                         labels=labels_for(kind), references=reference_fields(kind, specs))
    matrix = matrix_of(kind)
    if matrix is not None:
        columns = [c for c in columns if c.name != matrix.field]
    key = [c for c in columns if c.is_key]
    return Block(kind, key + [c for c in columns if not c.is_key])


def title(kind: Kind[Any], lang: str) -> str:
    label = kind.title if lang == "zh-CN" else kind.summary
    return f"{label} · {kind.name} · {i18n.t('guide', lang)} {guide.sections_text(kind.sections)}"


def kind_name(name: str, lang: str) -> str:
    """A kind as a header note names it (the kind a column refers to): by its title in Chinese (``部门``),
    by its name in playbook YAML in English (``departments``)."""
    found = next((kind for kind in registry() if kind.name == name), None)
    return found.title if found is not None and lang == "zh-CN" else name


def is_title_of(text: str, kind_name: str) -> bool:
    return f" · {kind_name} · " in text


def code(kind_name: str, field_name: str) -> str:
    return f"{kind_name}.{field_name}"


def jsonable(spec: Spec) -> dict[str, Any]:
    return spec.model_dump(mode="json")
