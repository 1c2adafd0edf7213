"""A client's history for the simulation benchmarks: leads and their behaviour events, as real exports are.

``python benchmarks/history_data.py OUT_DIR --people 200000 --events 4000000 [--days 90] [--seed 7]`` writes
``leads.csv`` (the messy lead file of benchmarks/leads_data.py, created over the period) and ``events.csv``
(the behaviour events of those people). :func:`people` gives the same kind of people as engine inputs
(:class:`mktctl.rules.PersonInput`) for the per-person benchmark.

The events are what a marketing platform's behaviour export looks like: Chinese headers (手机号, 邮箱, 行为时间,
行为, 内容, 渠道, 来源, 市场活动, 转化, 跟进), the person keyed by the mobile as the lead file spells it (or in
another spelling: ``+86 139…``, ``139-…``) or by the e-mail (upper-cased now and then), times in several
formats (``2026-01-05 10:30:00``, ``2026/1/5 10:30``, ``2026-01-05T10:30``, ``2026年1月5日 10:30``), most
people with a handful of events and a few with hundreds; touches with a source and a campaign; follow-ups
and conversions; and about 0.5 % bad rows (no key, a time that is not one, a misspelt behaviour) plus rows of
people who are not in the lead file. Generation is vectorised (numpy) and deterministic for a seed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leads_data

START = date(2026, 1, 1)
#: (behaviour, its contents, weight): a B2B client's behaviour mix
BEHAVIOURS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("打开邮件", ("欢迎邮件", "专属方案", "产品介绍邮件", "en-welcome"), 0.24),
    ("点击邮件链接", ("产品介绍", "价格方案", "立即预约演示", "Book a demo"), 0.11),
    ("浏览微页面", ("春季新品页", "客户案例页", ""), 0.15),
    ("访问官网", ("", "/pricing", "/solutions"), 0.10),
    ("浏览文章", ("数字化营销白皮书解读", "行业趋势", ""), 0.08),
    ("下载文件", ("产品白皮书", "行业报告"), 0.08),
    ("观看直播", ("线上研讨会",), 0.05),
    ("报名活动", ("线上研讨会", "城市沙龙"), 0.03),
    ("提交表单", ("官网咨询表单", "白皮书下载表单"), 0.03),
    ("咨询客服", ("",), 0.03),
    ("关注公众号", ("",), 0.03),
    ("添加企业微信", ("", "展会活码"), 0.02),
    ("转发内容", ("客户案例页",), 0.02),
    ("退订", ("",), 0.005),
)
SOURCES = ("百度推广", "巨量引擎", "腾讯广告", "官网", "知乎", "展会")
CAMPAIGNS = ("春季投放", "白皮书推广", "线上研讨会", "城市沙龙", "")
CONVERSIONS = ("商机", "客户", "订单")
HEADERS = ("手机号", "邮箱", "行为时间", "行为", "内容", "渠道", "来源", "市场活动", "转化", "跟进")


def _minutes(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    """Creation moments over the period, in working hours mostly."""
    day = rng.integers(0, days, size=n)
    minute = np.clip(rng.normal(14 * 60, 180, size=n), 0, 1439).astype(np.int64)
    return day * 1440 + minute


def _event_counts(rng: np.random.Generator, people: int, events: int) -> np.ndarray:
    """How many events each person has: heavy-tailed (most a handful, a few hundreds), adding up to ``events``."""
    weights = rng.pareto(1.6, size=people) + 0.2
    counts = np.floor(weights / weights.sum() * events).astype(np.int64)
    short = events - int(counts.sum())
    if short > 0:
        counts[rng.choice(people, size=short, replace=True)] += 1
    return counts


def _behaviour_columns(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    weights = np.asarray([w for _, _, w in BEHAVIOURS])
    kind = rng.choice(len(BEHAVIOURS), size=n, p=weights / weights.sum())
    behaviour = np.asarray([b for b, _, _ in BEHAVIOURS], dtype=object)[kind]
    content = np.empty(n, dtype=object)
    for index, (_, contents, _) in enumerate(BEHAVIOURS):
        mask = kind == index
        content[mask] = np.asarray(contents, dtype=object)[rng.integers(0, len(contents), size=int(mask.sum()))]
    return behaviour, content


def events_frame(leads: pd.DataFrame, created: np.ndarray, events: int, days: int, seed: int = 7) -> pd.DataFrame:
    """Behaviour events of the people of ``leads`` (created at ``created``, minutes since day 0)."""
    rng = np.random.default_rng(seed + 1)
    people = len(leads)
    counts = _event_counts(rng, people, events)
    owner = np.repeat(np.arange(people), counts)
    n = len(owner)
    # each event a while after the creation (some before it: the anonymous history of a visitor)
    offset = (rng.exponential(20 * 1440, size=n) - 3 * 1440).astype(np.int64)
    at = np.clip(created[owner] + offset, 0, days * 1440 - 1)
    at = at - at % 1440 + np.clip(rng.normal(14 * 60, 200, size=n), 0, 1439).astype(np.int64)
    behaviour, content = _behaviour_columns(rng, n)
    channel = np.where(behaviour == "退订", rng.choice(["邮件", "短信", ""], size=n), "")
    channel = np.where(np.isin(behaviour, ["打开邮件", "点击邮件链接"]), "邮件", channel)
    touch = np.isin(behaviour, ["浏览微页面", "访问官网", "提交表单", "报名活动"]) & (rng.random(n) < 0.5)
    source = np.where(touch, rng.choice(SOURCES, size=n), "")
    campaign = np.where(touch, rng.choice(CAMPAIGNS, size=n), "")
    converted = np.where(rng.random(n) < 0.004, rng.choice(CONVERSIONS, size=n, p=[0.6, 0.25, 0.15]), "")
    follow_up = np.where(rng.random(n) < 0.01, "是", "")
    behaviour = np.where((converted != "") | (follow_up != ""), "", behaviour)
    content = np.where(behaviour == "", "", content)
    mobile, email = _keys(rng, leads, owner)
    frame = pd.DataFrame({"手机号": mobile, "邮箱": email, "行为时间": _time_texts(rng, at), "行为": behaviour,
                          "内容": content, "渠道": channel, "来源": source, "市场活动": campaign, "转化": converted,
                          "跟进": follow_up})
    frame = frame.iloc[np.argsort(at, kind="stable")].reset_index(drop=True)  # an export is in time order
    _sprinkle_bad_rows(rng, frame)
    return frame


def _keys(rng: np.random.Generator, leads: pd.DataFrame, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mobile as the lead file spells it (or respelt), else the e-mail; a few people not in the file."""
    n = len(owner)
    mobile = leads["手机号码"].to_numpy(dtype=object)[owner]
    email = leads["邮箱"].to_numpy(dtype=object)[owner]
    digits = pd.Series(mobile, dtype=object).str.replace(r"\D", "", regex=True).str[-11:].to_numpy(dtype=object)
    respelt = rng.random(n)
    mobile = np.where(respelt < 0.1, "+86 " + digits, np.where(respelt < 0.15, digits, mobile))
    by_email = (rng.random(n) < 0.2) | (mobile == "")
    email = np.where(rng.random(n) < 0.1, pd.Series(email, dtype=object).str.upper().to_numpy(dtype=object), email)
    mobile = np.where(by_email & (email != ""), "", mobile)
    email = np.where(by_email, email, "")
    stranger = rng.random(n) < 0.01
    mobile = np.where(stranger, "137" + pd.Series(rng.integers(0, 10**8, n)).astype(str).str.zfill(8).to_numpy(
        dtype=object), mobile)
    email = np.where(stranger, "", email)
    return mobile, email


def _time_texts(rng: np.random.Generator, at: np.ndarray) -> np.ndarray:
    moments = pd.Timestamp(START) + pd.to_timedelta(at, unit="min")
    kind = rng.choice(4, size=len(at), p=[0.7, 0.15, 0.1, 0.05])
    texts = [moments.strftime("%Y-%m-%d %H:%M:%S"), moments.strftime("%Y/%-m/%-d %H:%M"),
             moments.strftime("%Y-%m-%dT%H:%M"), moments.strftime("%Y年%-m月%-d日 %H:%M")]
    return np.select([kind == i for i in range(4)], [np.asarray(t, dtype=object) for t in texts])


def _sprinkle_bad_rows(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    n = len(frame)
    frame.loc[rng.random(n) < 0.002, ["手机号", "邮箱"]] = ""
    frame.loc[rng.random(n) < 0.002, "行为时间"] = rng.choice(["昨天", "2026-13-45 10:00", "#N/A"])
    typo = (rng.random(n) < 0.001) & (frame["行为"] == "下载文件")
    frame.loc[typo, "行为"] = "下载文档"


def leads_frame(people: int, days: int, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """The messy lead file of benchmarks/leads_data.py, created over ``days`` days from :data:`START`."""
    rng = np.random.default_rng(seed + 2)
    leads = leads_data.frame(people, seed=seed)
    created = _minutes(rng, people, days)
    moments = pd.Timestamp(START) + pd.to_timedelta(created, unit="min")
    leads["创建时间"] = np.asarray(moments.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    return leads, created


def write_history(out: Path, people: int, events: int, days: int = 90, seed: int = 7) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    leads, created = leads_frame(people, days, seed)
    leads_path, events_path = out / "leads.csv", out / "events.csv"
    leads.to_csv(leads_path, index=False, lineterminator="\n")
    frame = events_frame(leads, created, events, days, seed)
    with events_path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADERS) + "\n")
        for start in range(0, len(frame), 500_000):
            text = frame.iloc[start:start + 500_000].to_csv(index=False, header=False, lineterminator="\n")
            if start == 0 and len(frame) > 1000:
                lines = text.split("\n")
                lines.insert(999, "")  # a blank line, as exports have
                text = "\n".join(lines)
            handle.write(text)
    return leads_path, events_path


def people(n: int, *, events: int = 20, days: int = 90, seed: int = 7) -> list[object]:
    """``n`` clean people with ``events`` events each over ``days`` days, as engine inputs."""
    from mktctl.rules.model import Event, PersonInput

    rng = np.random.default_rng(seed)
    created = _minutes(rng, n, days // 3)
    behaviour, content = _behaviour_columns(rng, n * events)
    offsets = np.sort(rng.integers(0, (days - days // 3) * 1440, size=(n, events)), axis=1)
    sources = rng.choice(SOURCES, size=n * events)
    touch = rng.random(n * events) < 0.2
    result = []
    for i in range(n):
        items = []
        for j in range(events):
            k = i * events + j
            at = int(created[i] + offsets[i, j])
            b, c = str(behaviour[k]), str(content[k]) or None
            items.append(Event(at, j, b, c, "邮件" if b in ("打开邮件", "点击邮件链接") else None,
                               str(sources[k]) if touch[k] else None, "春季投放" if touch[k] else None))
        if i % 10 == 0:
            items.append(Event(int(created[i]) + (days - days // 3) * 1440 - 1, events, converted="商机"))
        if i % 4 == 0:
            items.append(Event(int(created[i]) + 2 * 1440, events + 1, follow_up=True))
        fields = {"姓名": f"王{i}", "公司名称": f"远航{i}科技有限公司", "手机号": f"139{i:08d}",
                  "邮箱": f"user{i}@yuanhang{i % 97}.cn", "省份": ("上海", "广东", "江苏", "北京")[i % 4],
                  "行业": ("制造业", "科技互联网", "零售业")[i % 3], "线索来源": SOURCES[i % len(SOURCES)],
                  "企业规模": ("50人以下", "200-500人")[i % 2]}
        result.append(PersonInput(f"p{i}", fields, int(created[i]), tuple(sorted(items, key=lambda e: e.at))))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=4_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    leads_path, events_path = write_history(args.out, args.people, args.events, args.days, args.seed)
    print(f"wrote {leads_path} and {events_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
