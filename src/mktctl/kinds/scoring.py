"""Lead scoring (评分模型, 行为积分), guide 2.7: behaviour and profile rules with points and caps, decay, and
grade thresholds, each checked against the most points anyone can reach (:mod:`mktctl.kinds.reach`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from mktctl.base.language import Phrase
from mktctl.kinds.base import CONSULTANT, Finding, Kind, Playbook, Resource, Spec
from mktctl.kinds.conditions import Behaviour, Operator
from mktctl.kinds.reach import reachable_score
from mktctl.kinds.shared import SettingsKind, duplicates
from mktctl.kinds.wording import CRM_ADMIN, PLAIN, Words


class BehaviourRule(Spec):
    behaviour: Behaviour = Field(title="行为")
    content: str | None = Field(None, title="行为对象", description="only this content, page or email (default: any)")
    points: int = Field(ge=-1000, le=1000, title="分值", description="per occurrence; negative to subtract")
    cap: int | None = Field(None, ge=1, title="上限", description="most points one person can get from this rule")
    weight: int | None = Field(None, ge=0, le=100, title="权重（%）",
                               description="the rule's share of the model; when given, all add up to 100")
    description: str = Field("", max_length=100, title="适用场景")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "content": "只对该内容、页面或邮件计分（默认：任意）",
        "points": "每发生一次的分值；负数表示扣分",
        "cap": "每人通过该规则最多获得的分数",
        "weight": "该规则在评分模型中的权重；填写时所有规则的权重之和须为100",
    }

    @model_validator(mode="after")
    def _points(self) -> BehaviourRule:
        if self.points == 0:
            raise ValueError("points of 0 score nothing; remove the rule")
        if self.cap is not None and self.points > 0 and self.cap < self.points:
            raise ValueError(f"cap {self.cap} is below the {self.points} points of one {self.behaviour}")
        return self


class ProfileRule(Spec):
    field: str = Field(min_length=1, title="字段")
    op: Operator = Field(title="条件")
    value: str | int | float | list[str] | None = Field(None, title="值")
    points: int = Field(ge=-1000, le=1000, title="分值")


class Decay(Spec):
    inactive_days: int = Field(ge=1, title="无互动天数")
    percent: int = Field(ge=1, le=100, title="扣减比例（%）")


class Threshold(Spec):
    name: str = Field(min_length=1, max_length=20, title="等级", description="e.g. MQL; kept in the 评分等级 field")
    score: int = Field(ge=1, title="分数线")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "name": "等级名称，如 MQL；保存在评分等级字段中",
    }


class ScoringModel(Spec):
    name: str = Field(min_length=1, max_length=40, title="规则名称")
    object: Literal["销售线索"] = Field("销售线索", title="评分对象", description="行为积分 scores 销售线索")
    behaviour_rules: list[BehaviourRule] = Field(default_factory=list, title="行为规则")
    profile_rules: list[ProfileRule] = Field(default_factory=list, title="属性规则")
    decay: Decay | None = Field(None, title="分数衰减")
    max_score: int | None = Field(None, ge=1, title="总分上限")
    thresholds: list[Threshold] = Field(default_factory=list, title="评分等级", description="lowest first")

    descriptions_zh: ClassVar[Mapping[str, str]] = {
        "object": "行为积分为销售线索评分",
        "thresholds": "从低到高填写",
    }

    @model_validator(mode="after")
    def _rules(self) -> ScoringModel:
        if not self.behaviour_rules and not self.profile_rules:
            raise ValueError("a scoring model needs behaviour_rules or profile_rules")
        return self


_GRADE = Phrase("{name}{score}分", "{name} at {score} points")
_SCORED = Phrase("评分模型{model}：测试线索完成每种评分行为，得分和上限符合规则",
                 "scoring model {model}: a test lead does each behaviour; its points and caps follow the rules")
_SCORED_GRADES = Phrase("评分模型{model}：测试线索完成每种评分行为，得分、上限和等级（{grades}）符合规则",
                        "scoring model {model}: a test lead does each behaviour; its points, caps and grades "
                        "({grades}) follow the rules")


class ScoringModelsKind(SettingsKind[ScoringModel]):
    name = "scoring_models"
    title = "评分模型（行为积分）"
    summary = "Lead scoring: behaviour and profile rules with points and caps, decay, grade thresholds"
    guide = "2.7"
    model = ScoringModel
    rules_tested = True
    depends_on = ("marketing_objects",)
    menu_path = "管理后台 > 业务规则管理 > 行为积分"
    manual_who = CRM_ADMIN
    verify = Phrase("测试线索完成上表中的一种行为后，行为积分记录中获得相应分值",
                    "a test lead that does one of these behaviours gets its points in its behaviour points record")

    def check(self, resource: Resource[ScoringModel], playbook: Playbook) -> Iterable[Finding]:
        spec = resource.spec
        weights = [r.weight for r in spec.behaviour_rules if r.weight is not None]
        if weights and (len(weights) != len(spec.behaviour_rules) or sum(weights) != 100):
            yield Finding(("behaviour_rules",), f"the weights of the behaviour rules add up to {sum(weights)}, not 100"
                          + ("" if len(weights) == len(spec.behaviour_rules) else " (give every rule a weight)"),
                          severity="warning")
        for index, rule in enumerate(spec.behaviour_rules):
            broader = next((j for j, other in enumerate(spec.behaviour_rules[:index])
                            if other.behaviour == rule.behaviour and (other.content is None or rule.content is None
                                                                       or other.content == rule.content)), None)
            if broader is not None:
                yield Finding(("behaviour_rules", index), f"rules {broader + 1} and {index + 1} both match "
                              f"{rule.behaviour}: 行为积分 applies every matching rule, so one action scores twice",
                              severity="warning")
        names = [t.name for t in spec.thresholds]
        for index in duplicates(names):
            yield Finding(("thresholds", index, "name"), f"threshold {names[index]!r} is declared twice")
        for index in range(1, len(spec.thresholds)):
            if spec.thresholds[index].score <= spec.thresholds[index - 1].score:
                yield Finding(("thresholds", index, "score"), "list thresholds from the lowest score to the highest")
        most, how = reachable_score(spec)
        for index, threshold in enumerate(spec.thresholds):
            if threshold.score > most:
                yield Finding(("thresholds", index, "score"),
                              f"threshold {threshold.name!r} ({threshold.score} points) can never be reached: "
                              f"nobody can score more than {most:g} ({how})", severity="warning")

    def check_all(self, resources: list[Resource[ScoringModel]],
                  playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        for resource in resources[1:]:
            yield resource, Finding(("name",), f"行为积分 allows one scoring model for 销售线索; {resources[0].key!r} "
                                               "is already declared")

    def acceptance_tests(self, spec: ScoringModel, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        grades = words.join(words.say(_GRADE, name=t.name, score=t.score) for t in spec.thresholds)
        test = words.say(_SCORED_GRADES, model=words.quote(key), grades=grades) if grades else words.say(
            _SCORED, model=words.quote(key))
        return [(test, words.say(CONSULTANT))]

    def example(self) -> Any:
        return {"name": "线索培育评分",
                "behaviour_rules": [{"behaviour": "下载文件", "content": "产品白皮书", "points": 5, "cap": 10},
                                    {"behaviour": "观看直播", "points": 10, "cap": 30},
                                    {"behaviour": "咨询客服", "points": 15, "cap": 30}],
                "profile_rules": [{"field": "企业规模", "op": "属于", "value": ["200-500人", "500人以上"],
                                   "points": 10}],
                "decay": {"inactive_days": 30, "percent": 20},
                "thresholds": [{"name": "MQL", "score": 30}, {"name": "高价值线索", "score": 60}]}


KINDS: list[Kind[Any]] = [ScoringModelsKind()]
