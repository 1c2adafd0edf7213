"""Phone numbers to E.164, by libphonenumber's metadata.

``parse_phones(series) -> DataFrame[e164, kind, ext, dummy, present]``, vectorised:

1. full-width digits and punctuation folded; a trailing extension (``转123``, ``ext 123``, ``x123``,
   ``#123``, ``分机123``; for landlines also ``010-62345678-8001``) split off;
2. Excel's damage undone: ``13912345678.0`` and ``1.3912345678E10`` are the number they came from;
3. the country prefix read: ``+86``, ``0086``, ``86`` before a mainland number, the trunk ``0`` of a
   landline;
4. fast path for mainland numbers: the national number must fully match the mobile or fixed-line
   pattern of libphonenumber's metadata for CN (the same regular expressions ``phonenumbers`` uses,
   applied to the whole column at once);
5. everything else (other countries, unusual spellings) is parsed by ``phonenumbers`` itself, once per
   distinct value, and kept when it is a valid number.

``kind`` is ``mobile`` (mobile, or fixed-line-or-mobile as in the US), ``fixed``, ``other`` (valid but
neither, e.g. 400 hotlines) or ``""`` when the value is not a valid number. ``dummy`` marks numbers
that are placeholders, whether valid or not (see :func:`dummy_mask`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from mktctl.leads.text import fold

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_REGION = "CN"
# placeholders people type when a form insists on a number
DUMMY_NUMBERS = frozenset({
    "13800138000", "13900139000", "12345678901", "12345678910", "13012345678", "13123456789", "13812345678",
    "13912345678", "18888888888", "12345678", "87654321", "01234567890", "10086", "10010", "10000",
})
_SEQUENCES = ("12345678", "23456789", "87654321", "98765432", "01234567")
_EXT = (r"^(?P<main>.*?\d[\d)\]\s]*?)\s*(?:转|轉|分机|分機|ext\.?|extension|x|#|,|;|/)\s*(?P<ext>\d{1,6})\s*$")
_LANDLINE_EXT = r"^(?P<main>[(\[]?0\d{2,3}[)\]]?[\s-]?\d{7,8})[\s-](?P<ext>\d{1,6})$"


@lru_cache(maxsize=4)
def national_patterns(region: str = DEFAULT_REGION) -> tuple[str, str, str]:
    """(country code, mobile pattern, fixed-line pattern) of ``region`` from libphonenumber's metadata."""
    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        raise ValueError(f"no phone metadata for region {region!r}")
    return str(meta.country_code), str(meta.mobile.national_number_pattern), \
        str(meta.fixed_line.national_number_pattern)


def parse_phones(raw: pd.Series, *, landline: bool = True, region: str = DEFAULT_REGION) -> pd.DataFrame:
    """Parse a column of phone numbers (see the module doc). ``landline`` also reads ``-8001`` as an
    extension after a complete area-code number."""
    import pandas as pd

    text = fold(raw).str.strip()
    present = text != ""
    out = pd.DataFrame({"e164": "", "kind": "", "ext": "", "dummy": False, "present": present},
                       index=text.index)
    out["e164"] = out["e164"].astype("str")
    if not present.any():
        return out
    main, ext = _split_extension(text, landline)
    main = _undo_excel(main)
    plus = main.str.contains(r"^[\s(\[]*\+", regex=True)
    digits = main.str.replace(r"\D+", "", regex=True)
    national, domestic = _national(digits, plus, region)
    code, mobile_re, fixed_re = national_patterns(region)
    candidate = domestic & (national.str.len() >= 5)
    is_mobile = candidate & national.str.fullmatch(mobile_re)
    is_fixed = candidate & ~is_mobile & national.str.fullmatch(fixed_re)
    fast = is_mobile | is_fixed
    out.loc[fast, "e164"] = "+" + code + national[fast]
    out.loc[is_mobile, "kind"] = "mobile"
    out.loc[is_fixed, "kind"] = "fixed"
    out["ext"] = ext
    slow = present & ~fast & (digits.str.len() >= 5)
    if slow.any():
        spelled = digits[slow].where(~plus[slow], "+" + digits[slow])
        parsed = _parse_distinct(spelled, region)
        out.loc[slow, "e164"] = parsed["e164"].to_numpy()
        out.loc[slow, "kind"] = parsed["kind"].to_numpy()
        has_ext = slow & (out["ext"] == "")
        out.loc[has_ext, "ext"] = parsed["ext"].to_numpy()[has_ext[slow].to_numpy()]
    out.loc[out["e164"] == "", "ext"] = ""
    out["dummy"] = dummy_mask(national.where(domestic, digits), present)
    return out


def _split_extension(text: pd.Series, landline: bool) -> tuple[pd.Series, pd.Series]:
    found = text.str.extract(_EXT, flags=2)  # re.IGNORECASE
    main = found["main"].where(found["main"].notna(), text)
    ext = found["ext"].fillna("")
    if landline:
        more = main.str.extract(_LANDLINE_EXT)
        hit = more["main"].notna() & (ext == "")
        main = main.where(~hit, more["main"])
        ext = ext.where(~hit, more["ext"])
    return main.astype("str").fillna(""), ext.astype("str")


def _undo_excel(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"^\s*(\d+)\.0+\s*$", r"\1", regex=True)
    scientific = text.str.fullmatch(r"\s*\d(?:\.\d+)?[eE]\+?\d{1,2}\s*")
    if scientific.any():
        distinct = text[scientific].unique()
        fixed = {v: _from_scientific(v) for v in distinct}
        text = text.copy()
        text[scientific] = text[scientific].map(fixed)
    return text


def _from_scientific(value: str) -> str:
    number = float(value)
    return f"{number:.0f}" if number < 1e16 else value


def _national(digits: pd.Series, plus: pd.Series, region: str) -> tuple[pd.Series, pd.Series]:
    """The national significant number for numbers of ``region`` and a mask of those numbers."""
    code = national_patterns(region)[0]
    national = digits
    with_code = plus & digits.str.startswith(code)
    idd = ~plus & digits.str.startswith("00" + code)
    bare_code = ~plus & digits.str.startswith(code) & digits.str.len().between(12, 13)
    national = national.where(~with_code, digits.str[len(code):])
    national = national.where(~idd, digits.str[2 + len(code):])
    national = national.where(~bare_code, digits.str[len(code):])
    domestic = with_code | idd | bare_code | (~plus & ~digits.str.startswith("00"))
    trunk = domestic & national.str.startswith("0") & ~national.str.startswith("00")
    national = national.where(~trunk, national.str[1:])
    return national, domestic


def _parse_distinct(spelled: pd.Series, region: str) -> pd.DataFrame:
    """phonenumbers on each distinct value; the unavoidable per-value step, so only for the few values
    that the vectorised fast path could not decide."""
    import pandas as pd

    distinct = spelled.unique()
    table = {value: _parse_one(value, region) for value in distinct}
    rows = spelled.map(table)
    return pd.DataFrame({"e164": rows.str[0], "kind": rows.str[1], "ext": rows.str[2]}, index=spelled.index)


def _parse_one(value: str, region: str) -> tuple[str, str, str]:
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ("", "", "")
    if not phonenumbers.is_valid_number(number):
        return ("", "", "")
    kind = phonenumbers.number_type(number)
    label = "mobile" if kind in (T.MOBILE, T.FIXED_LINE_OR_MOBILE) else "fixed" if kind == T.FIXED_LINE else "other"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return (e164, label, number.extension or "")


def dummy_mask(national: pd.Series, present: pd.Series) -> pd.Series:
    """Placeholder numbers: the known list, all one digit (``11111111111``), a mobile whose last eight
    digits are one digit (``13900000000``), or ending in a run like ``12345678``."""
    import pandas as pd

    digits = national.fillna("")
    long_enough = present & (digits.str.len() >= 5)
    tail = digits.str[-8:]
    same_all = pd.Series(False, index=digits.index)
    same_tail = same_all.copy()
    for d in "0123456789":
        same_all |= digits.str.strip(d) == ""
        same_tail |= tail.str.strip(d) == ""
    mobile_shape = digits.str.len().eq(11) & digits.str.startswith("1")
    listed = digits.isin(DUMMY_NUMBERS)
    sequence = tail.isin(_SEQUENCES) & digits.str.len().ge(8)
    return long_enough & (listed | same_all | (mobile_shape & same_tail) | sequence)


def to_e164(value: str, *, landline: bool = False, region: str = DEFAULT_REGION) -> str:
    """One value, for callers outside the vectorised pipeline (tenant records, tests)."""
    import pandas as pd

    row = parse_phones(pd.Series([value], dtype="str"), landline=landline, region=region).iloc[0]
    return str(row["e164"])
