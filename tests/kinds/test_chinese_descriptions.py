"""What a field means is said in both languages a client reads: the English ``description`` of the field, and
the Chinese one in its model's ``descriptions_zh``, which a Chinese workbook's header notes show the client's
admin. A field added with an English description alone fails here, named with its kind, before a Chinese
client reads English; that the Chinese reads as Chinese is checked in tests/playbooks/test_client_language.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from mktctl.kinds.base import Spec, field_description
from mktctl.kinds.lead_pools import LeadPool
from tests.playbooks.client_texts import kind_models


def described_in_english_only(models: dict[type[BaseModel], str]) -> list[str]:
    """``kind: Model.field`` for each field of ``models`` (model -> its kind's name) that has an English
    description and no Chinese one."""
    return [f"{kind}: {model.__name__}.{name}" for model, kind in models.items()
            for name, info in model.model_fields.items()
            if info.description and name not in getattr(model, "descriptions_zh", {})]


def test_every_field_with_a_description_has_a_chinese_one() -> None:
    models = kind_models()

    missing = described_in_english_only(models)

    assert len(models) > 50  # every kind's model, and the models nested in them
    assert missing == [], "described in English only (say it in Chinese in the model's descriptions_zh):\n" + (
        "\n".join(missing))


def test_every_chinese_description_is_of_a_field_described_in_english() -> None:
    stale = [f"{kind}: {model.__name__}.{name}" for model, kind in kind_models().items()
             for name in getattr(model, "descriptions_zh", {})
             if name not in model.model_fields or not model.model_fields[name].description]

    assert stale == []


def test_a_field_described_in_english_only_is_named_with_its_kind() -> None:
    class Sample(Spec):
        size: int = Field(1, description="how many there are")
        colour: str = Field("红", description="the colour shown")
        label: str = Field("", title="名称")

        descriptions_zh: ClassVar[Any] = {"colour": "显示的颜色"}

    assert described_in_english_only({Sample: "samples"}) == ["samples: Sample.size"]


def test_a_field_is_described_in_english_in_english_and_in_chinese_in_chinese() -> None:
    assert field_description(LeadPool, "recycle_after_hours", "en") == (
        "a claimed or assigned lead not followed up within this many hours goes back to the pool")
    assert field_description(LeadPool, "recycle_after_hours", "zh-CN") == (
        "已领取或已分配的线索超过该小时数未跟进，自动退回线索池")
    assert field_description(LeadPool, "name", "zh-CN") == field_description(LeadPool, "name", "en") == ""
