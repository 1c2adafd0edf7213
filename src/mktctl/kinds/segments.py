"""Lifecycle stages and segments (生命周期阶段, 目标人群), guide 2.7: the stages customers move through, with
their entry rules and strategy, and the segments (人群包) of marketing users by behaviour, fields, tags,
stage or score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, Playbook, Reference, Resource, Spec
from mktctl.kinds.conditions import (
    Condition,
    Match,
    condition_findings,
    condition_references,
    split_tag,
    tag_reference,
    tag_value_findings,
)
from mktctl.kinds.marketing_objects import object_reference
from mktctl.kinds.reach import score_condition_findings, stage_contradiction, stage_shadowed_by
from mktctl.kinds.shared import SettingsKind
from mktctl.kinds.wording import PLAIN, Words

# ---- 生命周期阶段 ------------------------------------------------------------------------------------


class LifecycleStage(Spec):
    name: str = Field(min_length=1, max_length=20, title="阶段名称")
    object: str = Field("客户", title="营销对象")
    order: int = Field(ge=1, le=20, title="顺序")
    registered_within_days: int | None = Field(None, ge=1, title="注册天数不超过")
    purchases_min: int | None = Field(None, ge=0, title="购买次数不少于")
    purchases_max: int | None = Field(None, ge=0, title="购买次数不超过")
    interaction: Literal["低", "中", "高"] | None = Field(None, title="互动频率")
    inactive_days: int | None = Field(None, ge=1, title="无互动天数不少于")
    strategy: str = Field("", max_length=200, title="推荐营销策略")
    tag: str | None = Field(None, title="进入时打标签", description="组:值")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "tag": "进入该阶段时打上的标签，写作“标签组：标签值”",
    }

    @model_validator(mode="after")
    def _rules(self) -> LifecycleStage:
        rules = ("registered_within_days", "purchases_min", "purchases_max", "interaction", "inactive_days")
        if all(getattr(self, r) is None for r in rules):
            raise ValueError(f"a stage needs at least one of {', '.join(rules)}")
        low, high = self.purchases_min, self.purchases_max
        if low is not None and high is not None and low > high:
            raise ValueError(f"purchases_min {self.purchases_min} is above purchases_max {self.purchases_max}")
        if self.tag is not None:
            split_tag(self.tag)
        return self


_STAGE_TEST = Phrase("生命周期阶段{stage}：符合规则的测试{object}在每日 00:00 评估后进入该阶段",
                     "lifecycle stage {stage}: a test record of {object} matching its rules enters the stage at the "
                     "daily evaluation at 00:00")
_REFRESHED = Phrase("{refresh}更新后", "after its update ({refresh})")
_RELOADED = Phrase("刷新后", "after a refresh")
_SEGMENT_TEST = Phrase("目标人群{segment}：符合条件的测试用户在{when}进入人群，不符合的不进入",
                       "segment {segment}: a test person who matches the conditions is in it {when}, one who does not "
                       "is not")


class LifecycleStagesKind(SettingsKind[LifecycleStage]):
    name = "lifecycle_stages"
    title = "生命周期阶段"
    summary = "Customer lifecycle stages (new, growth, stable, dormant) with their entry rules and strategy"
    guide = "2.7"
    model = LifecycleStage
    rules_tested = True
    depends_on = ("marketing_objects", "tags")
    menu_path = "营销通 > 营销用户 > 生命周期阶段"
    manual_who = CONSULTANT
    verify = Phrase("符合{key}规则的测试客户显示为该阶段",
                    "a test customer matching the rules of {key} shows that stage")

    def references(self, spec: LifecycleStage) -> Iterable[Reference]:
        yield object_reference(("object",), spec.object)
        if spec.tag:
            yield tag_reference(("tag",), spec.tag)

    def check(self, resource: Resource[LifecycleStage], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        if spec.tag:
            yield from tag_value_findings(("tag",), spec.tag, playbook)
        contradiction = stage_contradiction(spec)
        if contradiction is not None:
            yield Finding(("inactive_days",), f"stage {spec.name!r} can never be entered: {contradiction}",
                          severity="warning")
        earlier = stage_shadowed_by(playbook, resource)
        if earlier is not None:
            yield Finding(("order",), f"stage {spec.name!r} can never be entered: stage {earlier.key!r} (order "
                                      f"{earlier.spec.order}) holds whenever it does, and the lowest order wins",
                          severity="warning")

    def check_all(self, resources: list[Resource[LifecycleStage]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        seen: dict[tuple[str, int], str] = {}
        for resource in resources:
            spec = resource.spec
            if (spec.object, spec.order) in seen:
                yield resource, Finding(("order",), f"stage {seen[(spec.object, spec.order)]!r} of {spec.object} "
                                                    f"already has order {spec.order}")
            seen.setdefault((spec.object, spec.order), spec.name)

    def acceptance_tests(self, spec: LifecycleStage, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        return [(words.say(_STAGE_TEST, stage=words.quote(key), object=words.word(spec.object)),
                 words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "新客期", "object": "客户", "order": 1, "registered_within_days": 30, "purchases_max": 0,
                "strategy": "发送欢迎邮件+新人专属优惠"}


# ---- 人群 --------------------------------------------------------------------------------------------


class Segment(Spec):
    name: str = Field(min_length=1, max_length=40, title="人群名称")
    object: str = Field("销售线索", title="营销对象")
    type: Literal["动态人群", "静态人群"] = Field("动态人群", title="人群类型",
                                           description="动态人群 follows its conditions; 静态人群 is a snapshot")
    match: Match = Field("全部满足", title="满足方式")
    conditions: list[Condition] = Field(default_factory=list, title="筛选条件")
    refresh: Literal["每小时", "每天", "手动"] = Field("每天", title="更新频率", description="for 动态人群")
    description: str = Field("", max_length=200, title="说明")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "type": "动态人群按条件自动更新；静态人群是某一时刻的快照",
        "refresh": "动态人群的更新频率",
    }

    @model_validator(mode="after")
    def _dynamic(self) -> Segment:
        if self.type == "动态人群" and not self.conditions:
            raise ValueError("a 动态人群 needs conditions")
        return self


class SegmentsKind(SettingsKind[Segment]):
    name = "segments"
    title = "目标人群"
    summary = "Segments of marketing users by behaviour, fields, tags, stage or score"
    guide = "2.7"
    model = Segment
    rules_tested = True
    depends_on = ("marketing_objects", "tags", "lifecycle_stages", "scoring_models")
    menu_path = "营销通 > 营销用户 > 目标人群"
    manual_who = CONSULTANT
    verify = Phrase("目标人群{key}显示人数，已知的测试人员在其中",
                    "the segment {key} shows a member count, and a known test person is in it")

    def references(self, spec: Segment) -> Iterable[Reference]:
        yield object_reference(("object",), spec.object)
        yield from condition_references(("conditions",), spec.conditions)

    def check(self, resource: Resource[Segment], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        yield from condition_findings(("conditions",), spec.conditions, playbook)
        yield from score_condition_findings(("conditions",), spec.conditions, playbook)

    def acceptance_tests(self, spec: Segment, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        when = words.say(_REFRESHED, refresh=words.word(spec.refresh)) if spec.type == "动态人群" else words.say(
            _RELOADED)
        return [(words.say(_SEGMENT_TEST, segment=words.quote(key), when=when), words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "华东制造业高意向线索", "object": "销售线索", "match": "全部满足",
                "conditions": [{"field": "地区", "op": "等于", "value": "华东地区"},
                               {"tag": "行业:制造业"},
                               {"scoring_model": "线索培育评分", "min_score": 30}]}


KINDS: list[Kind[Any]] = [LifecycleStagesKind(), SegmentsKind()]
