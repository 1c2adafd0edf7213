"""Messy lead files for the benchmarks: the kinds of mess a client's spreadsheet has, at any size.

``python benchmarks/leads_data.py csv OUT.csv --rows 1000000`` or ``... xlsx OUT.xlsx --rows 100000``.
Generation is vectorised with numpy (a million rows in a few seconds) and deterministic for a seed.

The mess: mobiles as ``+86 139 1234 5678``, ``0086-139…``, ``86139…``, full-width digits, Excel floats
(``13912345678.0``, ``1.3912345678E10``), extensions (``转123``), brackets; invalid and dummy numbers;
foreign numbers; landlines with area codes and extensions; emails upper-cased, with ``mailto:``, full-width
``＠``, spaces, test and competitor domains; provinces and cities with and without their suffix;
full-width spaces in names; test rows; rows missing a name or company; duplicates by mobile or email
(about 8 %) with different spellings; blank lines.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HEADERS = ["姓名", "公司名称", "手机号码", "座机", "邮箱", "省份", "城市", "行业", "职位", "线索来源", "创建时间",
           "备注"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国红云海燕波宁晨")
COMPANY_A = ["华", "中", "新", "金", "瑞", "恒", "宏", "博", "天", "鼎", "盛", "达", "远", "泰", "安", "诚"]
COMPANY_B = ["信息技术", "智能制造", "科技", "医疗器械", "新能源", "物流", "教育科技", "电子", "软件", "材料"]
COMPANY_C = ["有限公司", "股份有限公司", "集团", "（上海）有限公司", "有限责任公司"]
PLACES = [("广东省", "广州市"), ("广东", "深圳"), ("北京", "北京市"), ("北京市", "北京"), ("上海", "上海市"),
          ("浙江省", "杭州"), ("江苏", "苏州市"), ("四川省", "成都"), ("湖北", "武汉市"), ("山东省", "青岛"),
          ("", "南京"), ("福建", "厦门"), ("天津市", "天津"), ("重庆", "重庆市"), ("内蒙古", "呼和浩特"),
          ("广西", "南宁市"), ("新疆", "乌鲁木齐"), ("", "")]
INDUSTRIES = ["制造业", "信息技术", "金融", "教育", "医疗健康", "零售", "IT", "互联网", "", "专业服务"]
TITLES = ["总经理", "IT经理", "采购经理", "市场总监", "CTO", "工程师", "", "销售经理", "创始人"]
SOURCES = ["百度推广", "官网表单", "线下展会", "市场活动", "微信公众号", "", "其他", "抖音", "LinkedIn"]
DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "sina.com", "huaxin.com.cn", "outlook.com", "foxmail.com"]
MOBILE_PREFIXES = ["139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "182", "187", "188", "130",
                   "131", "132", "155", "156", "186", "133", "153", "180", "189", "177", "199", "166", "191"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A messy lead table of ``rows`` rows (strings, Chinese headers)."""
    rng = np.random.default_rng(seed)
    n = rows

    def pick(values: list[str], p: list[float] | None = None) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p)]

    name = pick(SURNAMES) + pick(GIVEN) + np.where(rng.random(n) < 0.5, pick(GIVEN), "")
    name = np.where(rng.random(n) < 0.03, pick(["张　三", " 李四 ", "王五\u3000", "Tom Lee"]), name)
    company = pick(COMPANY_A) + pick(COMPANY_A) + pick(COMPANY_B) + pick(COMPANY_C)
    national = pick(MOBILE_PREFIXES) + pd.Series(rng.integers(0, 10**8, size=n)).astype(str).str.zfill(8).to_numpy(
        dtype=object)
    mobile = _mobile_formats(rng, national)
    email_user = pd.Series(rng.integers(10**5, 10**9, size=n)).astype(str).to_numpy(dtype=object)
    email_prefix = pick(["zhang", "li", "wang", "chen", "liu", "sales", "info", "hr", "tom"])
    email = email_prefix + email_user + "@" + pick(DOMAINS)
    email = _email_formats(rng, email)
    has_tel = rng.random(n) < 0.35
    tel = np.where(has_tel, _landlines(rng, n), "")
    places = np.asarray(PLACES, dtype=object)[rng.choice(len(PLACES), size=n)]
    created = (pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, size=n), unit="s"))
    created_text = np.where(rng.random(n) < 0.7, created.strftime("%Y-%m-%d %H:%M:%S"), created.strftime("%Y/%m/%d"))
    frame = pd.DataFrame({
        "姓名": name, "公司名称": company, "手机号码": mobile, "座机": tel, "邮箱": email,
        "省份": places[:, 0], "城市": places[:, 1], "行业": pick(INDUSTRIES), "职位": pick(TITLES),
        "线索来源": pick(SOURCES), "创建时间": created_text, "备注": pick(["", "", "意向强烈", "需回访", "展会扫码"]),
    })
    _sprinkle_problems(rng, frame)
    _duplicates(rng, frame)
    return frame


def _mobile_formats(rng: np.random.Generator, national: np.ndarray) -> np.ndarray:
    n = len(national)
    kind = rng.choice(12, size=n, p=[0.40, 0.08, 0.06, 0.05, 0.04, 0.05, 0.04, 0.05, 0.05, 0.06, 0.06, 0.06])
    s = pd.Series(national, dtype=object)
    spaced = s.str[:3] + " " + s.str[3:7] + " " + s.str[7:]
    dashed = s.str[:3] + "-" + s.str[3:7] + "-" + s.str[7:]
    out = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4, kind == 5, kind == 6, kind == 7, kind == 8,
         kind == 9, kind == 10, kind == 11],
        [s, "+86 " + spaced, "0086-" + s, "86" + s, s.map(lambda v: v.translate(FULL)), s + ".0",
         s.str[0] + "." + s.str[1:] + "E10", dashed + "转" + pd.Series(rng.integers(1, 999, n)).astype(str),
         "(" + s.str[:3] + ")" + s.str[3:], dashed, "", s.str[:10]],  # kind 11: one digit short → invalid
        default=s,
    )
    out = np.where(rng.random(n) < 0.01, rng.choice(["13800138000", "11111111111", "+1 650-253-0000",
                                                     "+44 20 7031 3000", "+852 6123 4567"], size=n), out)
    return out


def _email_formats(rng: np.random.Generator, email: np.ndarray) -> np.ndarray:
    n = len(email)
    kind = rng.choice(8, size=n, p=[0.55, 0.08, 0.05, 0.05, 0.05, 0.04, 0.03, 0.15])
    s = pd.Series(email, dtype=object)
    out = np.select(
        [kind == 1, kind == 2, kind == 3, kind == 4, kind == 5, kind == 6, kind == 7],
        [s.str.upper(), "mailto:" + s, s.str.replace("@", "＠", regex=False), " " + s + " ",
         s.str.replace("@", "", regex=False), s.str.split("@").str[0] + "@example.com", ""],
        default=s,
    )
    out = np.where(rng.random(n) < 0.005, s.str.split("@").str[0] + "@rival.cn", out)
    return out


def _landlines(rng: np.random.Generator, n: int) -> np.ndarray:
    area = rng.choice(["010", "021", "020", "0755", "0571", "025", "028", "027"], size=n)
    subscriber = pd.Series(rng.integers(2 * 10**7, 9 * 10**7, size=n)).astype(str).to_numpy(dtype=object)
    kind = rng.integers(0, 4, size=n)
    return np.select([kind == 0, kind == 1, kind == 2], [area + "-" + subscriber, "(" + area + ")" + subscriber,
                                                         area + "-" + subscriber + "-" + "8001"],
                     default="+86 " + pd.Series(area).str[1:].to_numpy(dtype=object) + " " + subscriber)


def _sprinkle_problems(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    n = len(frame)
    frame.loc[rng.random(n) < 0.01, "公司名称"] = ""
    frame.loc[rng.random(n) < 0.005, "姓名"] = ""
    frame.loc[rng.random(n) < 0.004, "姓名"] = "测试"
    frame.loc[rng.random(n) < 0.003, "公司名称"] = "Test Company"
    nothing = rng.random(n) < 0.01
    frame.loc[nothing, ["手机号码", "邮箱", "座机"]] = ""


def _duplicates(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    """About 8 % of rows repeat an earlier person: same mobile in another spelling, or same email."""
    n = len(frame)
    if n < 10:
        return
    dup = np.flatnonzero(rng.random(n) < 0.08)
    dup = dup[dup > 0]
    source = (rng.random(len(dup)) * dup).astype(np.int64)
    by_mobile = rng.random(len(dup)) < 0.6
    target_rows, src_rows = dup[by_mobile], source[by_mobile]
    frame.iloc[target_rows, frame.columns.get_loc("手机号码")] = frame["手机号码"].to_numpy()[src_rows]
    target_rows, src_rows = dup[~by_mobile], source[~by_mobile]
    frame.iloc[target_rows, frame.columns.get_loc("邮箱")] = (
        pd.Series(frame["邮箱"].to_numpy()[src_rows], dtype=object).str.upper().to_numpy())


def write_csv(path: Path, rows: int, *, seed: int = 7, chunk: int = 250_000, encoding: str = "utf-8") -> None:
    """Write in chunks so that a large file never needs a large frame; every 5000th line is blank."""
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(",".join(HEADERS) + "\n")
        for start in range(0, rows, chunk):
            part = frame(min(chunk, rows - start), seed=seed + start)
            text = part.to_csv(index=False, header=False, lineterminator="\n")
            if start == 0 and rows > 5000:
                lines = text.split("\n")
                lines.insert(4999, "")  # a blank line: not a data row, but it still counts in row numbers
                text = "\n".join(lines)
            handle.write(text)


def write_xlsx(path: Path, rows: int, *, seed: int = 7) -> None:
    """An xlsx as a client sends it: mobiles stored as numbers where Excel would have made them numbers."""
    import xlsxwriter

    data = frame(rows, seed=seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("线索")
    sheet.write_row(0, 0, HEADERS)
    columns = [data[h].to_numpy(dtype=object) for h in HEADERS]
    mobile = data["手机号码"].to_numpy(dtype=object)
    numeric = pd.Series(mobile, dtype=object).str.fullmatch(r"1\d{10}").fillna(False).to_numpy()
    for r in range(rows):
        for c, column in enumerate(columns):
            value = column[r]
            if c == 2 and numeric[r]:
                sheet.write_number(r + 1, c, float(value))
            elif value:
                sheet.write_string(r + 1, c, value)
    workbook.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["csv", "xlsx", "csv-gbk"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.kind == "xlsx":
        write_xlsx(args.out, args.rows, seed=args.seed)
    else:
        write_csv(args.out, args.rows, seed=args.seed, encoding="gb18030" if args.kind == "csv-gbk" else "utf-8")
    print(f"wrote {args.rows} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
