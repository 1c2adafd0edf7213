"""Provinces and cities of China in one canonical spelling: 北京 and 北京市 are one city.

``canonical_regions(province, city) -> DataFrame[province, city, province_known, city_known]``:
a province becomes its full name (广东 → 广东省, 内蒙古 → 内蒙古自治区, Guangdong → 广东省); a city its full
prefecture-level name (广州 → 广州市, 恩施 → 恩施土家族苗族自治州, 广州市天河区 → 广州市). A value holding both
(广东省广州市) is split. An empty province is filled from the city; a municipality is its own city.
Values that are not known (华东, Singapore) are kept as cleaned text. The work is done once per
distinct (province, city) pair, which a file has a few thousand of at most.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from mktctl.leads.text import clean_value

if TYPE_CHECKING:
    import pandas as pd

# full name, short name, other spellings
PROVINCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("北京市", "北京", ("beijing", "peking", "京")), ("天津市", "天津", ("tianjin", "津")),
    ("上海市", "上海", ("shanghai", "沪")), ("重庆市", "重庆", ("chongqing", "渝")),
    ("河北省", "河北", ("hebei",)), ("山西省", "山西", ("shanxi",)), ("辽宁省", "辽宁", ("liaoning",)),
    ("吉林省", "吉林", ("jilin",)), ("黑龙江省", "黑龙江", ("heilongjiang",)), ("江苏省", "江苏", ("jiangsu",)),
    ("浙江省", "浙江", ("zhejiang",)), ("安徽省", "安徽", ("anhui",)), ("福建省", "福建", ("fujian",)),
    ("江西省", "江西", ("jiangxi",)), ("山东省", "山东", ("shandong",)), ("河南省", "河南", ("henan",)),
    ("湖北省", "湖北", ("hubei",)), ("湖南省", "湖南", ("hunan",)), ("广东省", "广东", ("guangdong",)),
    ("海南省", "海南", ("hainan",)), ("四川省", "四川", ("sichuan",)), ("贵州省", "贵州", ("guizhou",)),
    ("云南省", "云南", ("yunnan",)), ("陕西省", "陕西", ("shaanxi",)), ("甘肃省", "甘肃", ("gansu",)),
    ("青海省", "青海", ("qinghai",)), ("台湾省", "台湾", ("taiwan",)),
    ("内蒙古自治区", "内蒙古", ("内蒙", "innermongolia", "neimenggu", "neimongol")),
    ("广西壮族自治区", "广西", ("广西自治区", "guangxi")), ("西藏自治区", "西藏", ("tibet", "xizang")),
    ("宁夏回族自治区", "宁夏", ("宁夏自治区", "ningxia")), ("新疆维吾尔自治区", "新疆", ("新疆自治区", "xinjiang")),
    ("香港特别行政区", "香港", ("hongkong", "hk", "香港特区")),
    ("澳门特别行政区", "澳门", ("macau", "macao", "澳门特区")),
)
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市", "香港特别行政区", "澳门特别行政区"})

# prefecture-level divisions by province short name; "X" is the city X市, a full name is kept as it is
_CITIES = """
河北: 石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水
山西: 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
内蒙古: 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安盟 锡林郭勒盟 阿拉善盟
辽宁: 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
吉林: 长春 吉林 四平 辽源 通化 白山 松原 白城 延边朝鲜族自治州
黑龙江: 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭地区
江苏: 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
浙江: 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水
安徽: 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建: 福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
江西: 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
山东: 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
河南: 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源
湖北: 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 仙桃 潜江 天门 恩施土家族苗族自治州
湖南: 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西土家族苗族自治州
广东: 广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
广西: 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南: 海口 三亚 三沙 儋州
四川: 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
  阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州
贵州: 贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南布依族苗族自治州 黔东南苗族侗族自治州 黔南布依族苗族自治州
云南: 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄彝族自治州 红河哈尼族彝族自治州 文山壮族苗族自治州
  西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 怒江傈僳族自治州 迪庆藏族自治州
西藏: 拉萨 日喀则 昌都 林芝 山南 那曲 阿里地区
陕西: 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
甘肃: 兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏回族自治州 甘南藏族自治州
青海: 西宁 海东 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 玉树藏族自治州 海西蒙古族藏族自治州
宁夏: 银川 石嘴山 吴忠 固原 中卫
新疆: 乌鲁木齐 克拉玛依 吐鲁番 哈密 石河子 昌吉回族自治州 博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 阿克苏地区
  克孜勒苏柯尔克孜自治州 喀什地区 和田地区 伊犁哈萨克自治州 塔城地区 阿勒泰地区
台湾: 台北 新北 桃园 台中 台南 高雄 基隆 新竹 嘉义
"""
_CITY_PINYIN = {
    "guangzhou": "广州市", "shenzhen": "深圳市", "hangzhou": "杭州市", "chengdu": "成都市", "wuhan": "武汉市",
    "nanjing": "南京市", "suzhou": "苏州市", "xian": "西安市", "xi'an": "西安市", "qingdao": "青岛市",
    "xiamen": "厦门市", "dalian": "大连市", "shenyang": "沈阳市", "changsha": "长沙市", "zhengzhou": "郑州市",
    "jinan": "济南市", "hefei": "合肥市", "fuzhou": "福州市", "kunming": "昆明市", "ningbo": "宁波市",
    "dongguan": "东莞市", "foshan": "佛山市", "wuxi": "无锡市", "harbin": "哈尔滨市", "changchun": "长春市",
    "nanning": "南宁市", "guiyang": "贵阳市", "lanzhou": "兰州市", "urumqi": "乌鲁木齐市", "zhuhai": "珠海市",
}
_SUFFIXES = ("地区", "盟", "市")
_PREFECTURE_SUFFIX = "自治州"
_ETHNIC = ("土家族", "苗族", "朝鲜族", "藏族", "羌族", "彝族", "布依族", "侗族", "哈尼族", "壮族", "傣族", "白族",
           "景颇族", "傈僳族", "回族", "蒙古族", "蒙古", "柯尔克孜", "哈萨克")
_AMBIGUOUS_SHORT = frozenset({"海南"})  # 海南省, not 海南藏族自治州


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(province alias → full name, city alias → full name, city full name → province full name)."""
    provinces: dict[str, str] = {}
    short_to_full: dict[str, str] = {}
    for full, short, others in PROVINCES:
        short_to_full[short] = full
        for alias in (full, short, *others):
            provinces[_key(alias)] = full
    cities: dict[str, str] = {}
    city_province: dict[str, str] = {}
    for full, short, _ in PROVINCES:
        if full in MUNICIPALITIES:
            cities[_key(short)] = full
            cities[_key(full)] = full
            city_province[full] = full
    province = ""
    for token in _CITIES.split():
        if token.endswith(":"):
            province = short_to_full[token[:-1]]
            continue
        full = token if token.endswith(("盟", "地区", _PREFECTURE_SUFFIX)) else token + "市"
        city_province[full] = province
        cities[_key(full)] = full
        short = _short_city(full)
        if short not in _AMBIGUOUS_SHORT:
            cities.setdefault(_key(short), full)
            if full.endswith(_PREFECTURE_SUFFIX):
                cities.setdefault(_key(short + "州"), full)
    for alias, full in _CITY_PINYIN.items():
        cities[_key(alias)] = full
    return provinces, cities, city_province


def _short_city(full: str) -> str:
    for suffix in (_PREFECTURE_SUFFIX, *_SUFFIXES):
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            short = full[: -len(suffix)]
            if suffix == _PREFECTURE_SUFFIX:
                changed = True
                while changed:
                    changed = False
                    for ethnic in _ETHNIC:
                        if short.endswith(ethnic) and len(short) > len(ethnic) + 1:
                            short, changed = short[: -len(ethnic)], True
            return short
    return full


def _key(text: str) -> str:
    return "".join(text.lower().split()).replace("-", "").replace("_", "")


def _find_province(text: str) -> tuple[str, str] | None:
    """(full province, the rest of text) when text starts with a province name."""
    provinces = _tables()[0]
    key = _key(text)
    for length in range(len(key), 1, -1):
        full = provinces.get(key[:length])
        if full is not None:
            return full, key[length:]
    if key in provinces:  # one-character alias such as 京
        return provinces[key], ""
    return None


def _find_city(text: str) -> str | None:
    """The full city when text is a city name, or starts with one (广州市天河区)."""
    cities = _tables()[1]
    key = _key(text)
    if key in cities:
        return cities[key]
    for length in range(len(key) - 1, 1, -1):
        full = cities.get(key[:length])
        if full is not None and key[length:].endswith(("区", "县", "市", "旗", "镇", "乡")):
            return full
    return None


@lru_cache(maxsize=65536)
def canonical_pair(province: str, city: str) -> tuple[str, str, bool, bool]:
    """(province, city, province known, city known) for one raw pair; see the module doc."""
    city_province = _tables()[2]
    prov_out, city_out = "", ""
    if city:
        city_out = _find_city(city) or ""
        if not city_out:
            split = _find_province(city)
            if split is not None:
                prov_out = split[0]
                city_out = (_find_city(split[1]) if split[1] else "") or ""
    if province:
        split = _find_province(province)
        if split is not None:
            prov_out = split[0]
            if split[1] and not city_out:
                city_out = _find_city(split[1]) or ""
        elif not city_out:
            found = _find_city(province)  # a city in the province column
            if found:
                city_out = found
    if city_out and not prov_out:
        prov_out = city_province.get(city_out, "")
    if prov_out in MUNICIPALITIES and not city_out:
        city_out = prov_out
    province_known, city_known = bool(prov_out) or not province, bool(city_out) or not city
    return prov_out or province, city_out or city, province_known, city_known


def canonical_regions(province: pd.Series, city: pd.Series) -> pd.DataFrame:
    """Canonical province and city columns (see the module doc); cleans the distinct values itself."""
    import pandas as pd

    pairs = pd.DataFrame({"p": province.fillna(""), "c": city.fillna("")})
    codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
    if len(distinct) == 0:
        return pd.DataFrame({"province": pairs["p"], "city": pairs["c"], "province_known": True,
                             "city_known": True}, index=province.index)
    table = [canonical_pair(clean_value(str(p)), clean_value(str(c))) for p, c in distinct]
    out = pd.DataFrame(table, columns=["province", "city", "province_known", "city_known"]).iloc[codes]
    out.index = province.index
    out["province"] = out["province"].astype("str")
    out["city"] = out["city"].astype("str")
    return out
