"""Conditions on marketing users (behaviour, field, tag, stage or score), shared by tags, segments, scoring
rules and nurture flows, and tags written ``组:值``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.kinds.base import Finding, Path_, Playbook, Reference, Spec
from mktctl.kinds.shared import unknown

Behaviour = Literal["浏览微页面", "浏览文章", "浏览产品", "下载文件", "提交表单", "报名活动", "活动签到", "观看直播",
                    "打开邮件", "点击邮件链接", "点击短信链接", "访问官网", "咨询客服", "关注公众号", "添加企业微信",
                    "转发内容", "退订"]
Operator = Literal["等于", "不等于", "包含", "不包含", "属于", "不属于", "大于", "小于", "大于等于", "小于等于", "为空",
                   "不为空"]
Match = Literal["全部满足", "任一满足"]
_CONDITION_KINDS = ("behaviour", "field", "tag", "stage", "scoring_model")


class Condition(Spec):
    behaviour: Behaviour | None = Field(None, title="行为")
    content: str | None = Field(None, title="行为对象", description="for a behaviour: the content, page or email")
    within_days: int | None = Field(None, ge=1, title="最近天数")
    times: int | None = Field(None, ge=1, title="至少次数", description="default: once")
    field: str | None = Field(None, title="字段", description="a field of the object, e.g. 行业")
    op: Operator | None = Field(None, title="条件")
    value: str | int | float | list[str] | None = Field(None, title="值")
    tag: str | None = Field(None, title="标签", description="组:值, e.g. 行业:制造业")
    stage: str | None = Field(None, title="生命周期阶段")
    scoring_model: str | None = Field(None, title="评分模型")
    min_score: int | None = Field(None, title="最低分")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "content": "行为条件针对的具体内容、页面或邮件",
        "times": "默认：1次",
        "field": "对象的字段，如 行业",
        "tag": "标签，写作“标签组：标签值”，如 行业：制造业",
    }

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        given = [k for k in _CONDITION_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a condition has exactly one of {', '.join(_CONDITION_KINDS)}"
                             + (f" (this one has {' and '.join(given)})" if given else ""))
        if self.behaviour is None and (self.content or self.within_days or self.times):
            raise ValueError("content, within_days and times are for behaviour conditions")
        if self.field is not None:
            if self.op is None:
                raise ValueError(f"field {self.field!r} needs op")
            if self.op not in ("为空", "不为空") and self.value is None:
                raise ValueError(f"field {self.field!r} {self.op} needs a value")
        elif self.op is not None or self.value is not None:
            raise ValueError("op and value are for field conditions")
        if (self.scoring_model is None) != (self.min_score is None):
            raise ValueError("a score condition needs scoring_model and min_score")
        if self.tag is not None:
            split_tag(self.tag)
        return self


def split_tag(text: str) -> tuple[str, str]:
    """``行业:制造业`` (or with a full-width colon) -> ``("行业", "制造业")``."""
    group, sep, value = text.replace("：", ":").partition(":")
    if not sep or not group.strip() or not value.strip():
        raise ValueError(f"write a tag as 组:值 (e.g. 行业:制造业), not {text!r}")
    return group.strip(), value.strip()


def condition_references(path: Path_, conditions: list[Condition]) -> Iterator[Reference]:
    for index, condition in enumerate(conditions):
        yield from references_in((*path, index), condition)


def references_in(path: Path_, condition: Condition) -> Iterator[Reference]:
    if condition.tag:
        yield tag_reference((*path, "tag"), condition.tag)
    if condition.stage:
        yield Reference((*path, "stage"), "lifecycle_stages", condition.stage)
    if condition.scoring_model:
        yield Reference((*path, "scoring_model"), "scoring_models", condition.scoring_model)


def tag_reference(path: Path_, tag: str) -> Reference:
    return Reference(path, "tags", split_tag(tag)[0])


def tag_value_findings(path: Path_, tag: str, playbook: Playbook) -> Iterator[Finding]:
    """A tag's value must be one of its group's values (a missing group is reported as a reference)."""
    group, value = split_tag(tag)
    resource = playbook.find("tags", group)
    if resource is not None and value not in resource.spec.values:
        yield Finding(path, unknown(value, resource.spec.values, f"a value of tag group {group!r}"))


def condition_findings(path: Path_, conditions: list[Condition], playbook: Playbook) -> Iterator[Finding]:
    for index, condition in enumerate(conditions):
        if condition.tag:
            yield from tag_value_findings((*path, index, "tag"), condition.tag, playbook)


