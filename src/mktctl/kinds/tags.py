"""Tags (标签), guide 2.7: tag groups with their values, and the rules that set them automatically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pydantic import Field, field_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, Playbook, Reference, Resource, Spec
from mktctl.kinds.conditions import Condition, Match, condition_findings, condition_references
from mktctl.kinds.marketing_objects import object_reference
from mktctl.kinds.reach import score_condition_findings
from mktctl.kinds.shared import SettingsKind, duplicates, unknown
from mktctl.kinds.wording import PLAIN, Words


class TagRule(Spec):
    value: str = Field(min_length=1, title="标签值", description="one of the group's values")
    match: Match = Field("全部满足", title="满足方式")
    conditions: list[Condition] = Field(min_length=1, title="条件")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "value": "该标签组中的一个标签值",
    }


class TagGroup(Spec):
    name: str = Field(min_length=1, max_length=30, title="标签组")
    objects: list[str] = Field(default_factory=list, title="适用对象", description="default: every marketing object")
    multiple: bool = Field(True, title="可多选", description="a person may have several values of this group")
    values: list[str] = Field(min_length=1, title="标签值")
    rules: list[TagRule] = Field(default_factory=list, title="自动打标规则")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "objects": "适用的营销对象（默认：全部营销对象）",
        "multiple": "一个人可同时拥有该组的多个标签值",
    }

    @field_validator("values")
    @classmethod
    def _plain(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip() or ":" in value or "：" in value:
                raise ValueError(f"tag value {value!r}: a value is a plain word (no colon)")
        return values


_TAG_TEST = Phrase("标签组{tag}：满足自动打标规则的测试用户获得该标签",
                   "tag group {tag}: a test person matching the tagging rule gets the tag")


class TagsKind(SettingsKind[TagGroup]):
    name = "tags"
    title = "标签"
    summary = "Tag groups with their values, and the rules that set them automatically"
    guide = "2.7"
    model = TagGroup
    rules_tested = True
    depends_on = ("marketing_objects",)
    menu_path = "营销通 > 营销用户 > 标签管理"
    manual_who = CONSULTANT
    verify = Phrase("标签管理中显示标签组{key}，标签值和规则与上表一致",
                    "Tags shows the group {key} with these values and rules")

    def references(self, spec: TagGroup) -> Iterable[Reference]:
        for index, name in enumerate(spec.objects):
            yield object_reference(("objects", index), name)
        for index, rule in enumerate(spec.rules):
            yield from condition_references(("rules", index, "conditions"), rule.conditions)

    def check(self, resource: Resource[TagGroup], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        for index in duplicates(spec.values):
            yield Finding(("values", index), f"tag value {spec.values[index]!r} is listed twice")
        for index, rule in enumerate(spec.rules):
            if rule.value not in spec.values:
                yield Finding(("rules", index, "value"), unknown(rule.value, spec.values, f"a value of {spec.name!r}"))
            yield from condition_findings(("rules", index, "conditions"), rule.conditions, playbook)
            yield from score_condition_findings(("rules", index, "conditions"), rule.conditions, playbook)

    def acceptance_tests(self, spec: TagGroup, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_TAG_TEST, tag=f"{key} > {rule.value}"), words.say(CONSULTANT)) for rule in spec.rules]

    def example(self) -> Any:
        return {"name": "购买意向", "values": ["高意向客户", "一般意向"], "multiple": False,
                "rules": [{"value": "高意向客户", "conditions": [
                    {"behaviour": "打开邮件", "within_days": 7},
                    {"behaviour": "浏览产品", "within_days": 7}]}]}


KINDS: list[Kind[Any]] = [TagsKind()]
