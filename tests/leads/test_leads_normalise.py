"""Normalisation rules with real-world messy values: phones, emails, regions, text, dates, picklists."""

from __future__ import annotations

import pandas as pd
import pytest

from mktctl.leads.emails import parse_emails
from mktctl.leads.normalise import normalise, parse_times, to_epoch_ms
from mktctl.leads.phones import parse_phones, to_e164
from mktctl.leads.picklists import Picklist, canonical_labels, preset, values
from mktctl.leads.regions import canonical_regions
from mktctl.leads.text import clean_text


def s(*items: str) -> pd.Series:
    return pd.Series(list(items), dtype="str")


@pytest.mark.parametrize("raw", [
    "13912345670", "139 1234 5670", "139-1234-5670", "(139)12345670", "+86 139 1234 5670", "+86-13912345670",
    "0086 13912345670", "008613912345670", "8613912345670", "１３９１２３４５６７０", "＋８６ １３９１２３４５６７０",
    "13912345670.0", "1.391234567E10", "1.3912345670E+10", "139-1234-5670转123", "13912345670 ext. 9",
    "13912345670#8", " 13912345670 ", "\t13912345670\n", "tel: 139 1234 5670",
])
def test_mainland_mobiles_in_every_spelling_become_e164(raw: str) -> None:
    assert to_e164(raw) == "+8613912345670"


def test_extension_is_kept_apart_and_the_kind_is_known() -> None:
    parsed = parse_phones(s("139-1234-5670转123", "010-62345678-8001", "(0755)86013388 分机 12", "010 6234 5678"))
    assert parsed["e164"].tolist() == ["+8613912345670", "+861062345678", "+8675586013388", "+861062345678"]
    assert parsed["ext"].tolist() == ["123", "8001", "12", ""]
    assert parsed["kind"].tolist() == ["mobile", "fixed", "fixed", "fixed"]


@pytest.mark.parametrize(("raw", "e164", "kind"), [
    ("+1 650-253-0000", "+16502530000", "mobile"),  # US: fixed line or mobile
    ("+44 20 7031 3000", "+442070313000", "fixed"),
    ("+852 6123 4567", "+85261234567", "mobile"),
    ("00852 6123 4567", "+85261234567", "mobile"),
    ("400-810-8888", "+864008108888", "other"),
    ("+86 (0)10 6234 5678", "+861062345678", "fixed"),
])
def test_numbers_of_other_countries_and_types_kept_when_valid(raw: str, e164: str, kind: str) -> None:
    parsed = parse_phones(s(raw)).iloc[0]
    assert (parsed["e164"], parsed["kind"]) == (e164, kind)


@pytest.mark.parametrize("raw", [
    "1391234567",  # one digit short
    "139123456789",  # one too many
    "12012345678",  # no such mobile range in libphonenumber's metadata
    "19912",
    "+1 555 0100",  # too short for the US
    "+999 12345678",  # no such country
    "abc", "n/a", "微信同号",
])
def test_invalid_numbers_by_metadata_not_by_a_loose_regex(raw: str) -> None:
    assert to_e164(raw) == ""


def test_dummy_numbers_are_marked_whether_valid_or_not() -> None:
    parsed = parse_phones(s("13800138000", "11111111111", "13900000000", "12345678901", "13912345670", "",
                            "188 8888 8888"))
    assert parsed["dummy"].tolist() == [True, True, True, True, False, False, True]


def test_phone_normalisation_is_idempotent() -> None:
    first = parse_phones(s("+86 139 1234 5670", "010-62345678-8001", "+44 20 7031 3000"))
    spelled = (first["e164"] + first["ext"].map(lambda x: f";ext={x}" if x else "")).astype("str")
    again = parse_phones(spelled)
    assert again["e164"].tolist() == first["e164"].tolist()
    assert again["ext"].tolist() == first["ext"].tolist()


@pytest.mark.parametrize(("raw", "email"), [
    ("Zhang.San@QQ.COM", "zhang.san@qq.com"),
    ("  li@163.com  ", "li@163.com"),
    ("mailto:li@163.com", "li@163.com"),
    ("MAILTO:li@163.com", "li@163.com"),
    ("wang＠sina．com", "wang@sina.com"),
    ("ｗａｎｇ＠ｓｉｎａ．ｃｏｍ", "wang@sina.com"),
    ("li@qq。com", "li@qq.com"),
    ("<tom@corp.cn>", "tom@corp.cn"),
    ("a@x.cn; b@y.cn", "a@x.cn"),
    ("a@x.cn,b@y.cn", "a@x.cn"),
    ("zhang san@qq.com", "zhangsan@qq.com"),
    ("a@b.co.", "a@b.co"),
    ("bad@", ""), ("nope", ""), ("a@@b.cn", ""), ("张三@qq.com", ""), ("a@b", ""), ("", ""),
])
def test_emails(raw: str, email: str) -> None:
    parsed = parse_emails(s(raw)).iloc[0]
    assert parsed["email"] == email
    assert parsed["domain"] == (email.split("@")[1] if email else "")


def test_email_normalisation_is_idempotent() -> None:
    once = parse_emails(s("MAILTO:Zhang@QQ.com", "wang＠sina．com"))["email"]
    assert parse_emails(once)["email"].tolist() == once.tolist()


@pytest.mark.parametrize(("province", "city", "expected"), [
    ("北京", "", ("北京市", "北京市")),
    ("北京市", "北京", ("北京市", "北京市")),
    ("", "北京", ("北京市", "北京市")),
    ("广东", "深圳", ("广东省", "深圳市")),
    ("广东省", "深圳市", ("广东省", "深圳市")),
    ("", "广州市天河区", ("广东省", "广州市")),
    ("广东省广州市", "", ("广东省", "广州市")),
    ("Guangdong", "guangzhou", ("广东省", "广州市")),
    ("内蒙古", "呼和浩特", ("内蒙古自治区", "呼和浩特市")),
    ("广西", "", ("广西壮族自治区", "")),
    ("新疆", "乌鲁木齐", ("新疆维吾尔自治区", "乌鲁木齐市")),
    ("吉林", "吉林", ("吉林省", "吉林市")),
    ("", "恩施", ("湖北省", "恩施土家族苗族自治州")),
    ("湖北", "恩施州", ("湖北省", "恩施土家族苗族自治州")),
    (" 上海　", "", ("上海市", "上海市")),
    ("华东", "", ("华东", "")),
    ("", "Singapore", ("", "Singapore")),
])
def test_regions_are_canonical(province: str, city: str, expected: tuple[str, str]) -> None:
    out = canonical_regions(s(province), s(city)).iloc[0]
    assert (out["province"], out["city"]) == expected


def test_region_canonicalisation_is_idempotent() -> None:
    once = canonical_regions(s("广东", "北京", "", "华东"), s("深圳", "", "恩施", ""))
    twice = canonical_regions(once["province"], once["city"])
    assert twice[["province", "city"]].values.tolist() == once[["province", "city"]].values.tolist()


def test_text_is_trimmed_and_full_width_spaces_removed() -> None:
    assert clean_text(s(" 张　三 ", "IBM  China\t Ltd", "NaN", "#N/A", "-", "示例\u00a0科技")).tolist() == [
        "张三", "IBM China Ltd", "", "", "", "示例科技"]


def test_times_in_many_spellings() -> None:
    text, bad = parse_times(s("2024-05-01 10:30:00", "2024/5/1", "2024年5月1日", "2024.05.01 10:30", "45413",
                              "2024-05-01T10:30", "not a date", ""))
    assert text.tolist() == ["2024-05-01 10:30:00", "2024-05-01 00:00:00", "2024-05-01 00:00:00",
                             "2024-05-01 10:30:00", "2024-05-01 00:00:00", "2024-05-01 10:30:00", "", ""]
    assert bad.tolist() == [False] * 6 + [True, False]
    epoch = to_epoch_ms(text[:1])
    assert int(epoch.iloc[0]) == 1714530600000  # 10:30 in Beijing is 02:30 UTC


def test_picklist_labels_and_values() -> None:
    labels, known = canonical_labels(s("百度竞价", "官网", "LinkedIn", "抖音", "路边捡的", ""), preset("source"))
    assert labels.tolist() == ["百度推广", "官网表单", "LinkedIn", "巨量引擎", "路边捡的", ""]
    assert known.tolist() == [True, True, True, True, False, True]
    assert values(labels, preset("source")).tolist() == ["1", "4", "13", "2", "other", ""]
    industry, _ = canonical_labels(s("IT", "互联网", "制造"), preset("industry"))
    assert industry.tolist() == ["信息技术", "信息技术", "制造业"]


def test_mobile_in_landline_column_and_landline_in_mobile_column_swap_into_place() -> None:
    raw = pd.DataFrame({"name": ["a", "b", "c"], "company": ["x", "y", "z"],
                        "mobile": ["010-62345678", "", "13912345670"],
                        "tel": ["", "13912345671", "13912345672"], "email": ["", "", ""]}, dtype="str")
    out = normalise(raw)
    assert out["mobile"].tolist() == ["", "+8613912345671", "+8613912345670"]
    assert out["tel"].tolist() == ["+861062345678", "", "+8613912345672"]


def test_a_mixed_contact_column_fills_what_it_is() -> None:
    raw = pd.DataFrame({"name": ["a", "b", "c"], "company": ["x", "y", "z"], "contact": [
        "13912345670", "li@corp.cn", "021-62345678"]}, dtype="str")
    out = normalise(raw)
    assert out[["mobile", "email", "tel"]].values.tolist() == [
        ["+8613912345670", "", ""], ["", "li@corp.cn", ""], ["", "", "+862162345678"]]


def test_normalise_is_idempotent_on_every_field() -> None:
    raw = pd.DataFrame({
        "name": [" 张　三 "], "company": ["示例 科技"], "mobile": ["+86 139-1234-5670"], "tel": ["(010)62345678-8"],
        "email": ["MAILTO:Zhang@QQ.com"], "province": ["广东"], "city": ["深圳"], "industry": ["IT"],
        "source": ["百度"], "create_time": ["2024/5/1 9:05"], "remark": [" 需回访 "], "job_title": ["CTO"],
        "url": ["www.example.net"]}, dtype="str")
    once = normalise(raw)
    keys = ["name", "company", "mobile", "tel", "email", "province", "city", "industry", "source", "create_time",
            "remark", "job_title", "url"]
    twice = normalise(once[keys])
    assert twice[keys].values.tolist() == once[keys].values.tolist()
    assert once["tel"].iloc[0] == "+861062345678;ext=8"
    assert once["create_time"].iloc[0] == "2024-05-01 09:05:00"


def test_a_tenant_option_named_by_a_common_spelling_takes_the_preset_label_the_check_gave() -> None:
    tenant = Picklist("source", (("CQ1JiX8fl", "展会"), ("a7", "官网"), ("other", "其他")))
    labels, _ = canonical_labels(pd.Series(["展会", "官网留资", "小红书"]), preset("source"))

    assert labels.tolist() == ["线下展会", "官网表单", "小红书"]
    assert values(labels, tenant).tolist() == ["CQ1JiX8fl", "a7", "other"]
