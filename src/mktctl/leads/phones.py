"""Phone numbers to E.164, by libphonenumber's metadata.

``parse_phones(series) -> DataFrame[e164, kind, ext, dummy, present]``, vectorised:

1. full-width digits and punctuation folded; a trailing extension (``转123``, ``ext 123``, ``x123``,
   ``#123``, ``分机123``, and ``010-62345678-8001`` after a complete area-code number) split off;
2. Excel's damage undone: ``13912345678.0`` and ``1.3912345678E10`` are the number they came from;
3. the country prefix read: ``+86``, ``0086``, ``86`` before a mainland number, the trunk ``0`` of a
   landline;
4. mainland numbers: the national number must fully match the mobile, fixed-line or another type's
   pattern of libphonenumber's metadata for CN (the regular expressions ``phonenumbers`` itself uses,
   applied to the whole column at once by Arrow's RE2 kernels);
5. numbers written with ``+`` or ``00`` and another country code are parsed by ``phonenumbers`` itself,
   once per distinct value, and kept when valid.

``kind`` is ``mobile`` (mobile, or fixed-line-or-mobile as in the US), ``fixed``, ``other`` (valid but
neither, e.g. 400 hotlines) or ``""`` when the value is not a valid number. ``dummy`` marks placeholder
numbers, valid or not (see :func:`dummy_mask`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mktctl.leads import arrow

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_REGION = "CN"
# placeholders people type when a form insists on a number
DUMMY_NUMBERS = ("13800138000", "13900139000", "12345678901", "12345678910", "01234567890", "10086", "10010",
                 "10000", "95555")
_SEQUENCES = ("12345678", "23456789", "87654321", "98765432", "01234567")
_EXT = r"^(?P<main>.*?\d[\d)\]\s]*?)\s*(?:;ext=|转|轉|分机|分機|ext\.?|extension|x|#|,|;|/)\s*(?P<ext>\d{1,6})\s*$"
_EXT_HINT = r"[转轉分xX#,;/]|[eE][xX][tT]"
_LANDLINE_EXT = r"^(?P<main>[(\[]?0\d{2,3}[)\]]?[\s-]?\d{7,8})[\s-](?P<ext>\d{1,6})$"


@lru_cache(maxsize=4)
def national_patterns(region: str = DEFAULT_REGION) -> tuple[str, str, str, str]:
    """(country code, mobile, fixed-line, other) national-number patterns of ``region``, from
    libphonenumber's metadata; "other" joins toll-free, shared-cost, VoIP, UAN and the like."""
    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        raise ValueError(f"no phone metadata for region {region!r}")
    others = [desc.national_number_pattern for desc in (
        meta.toll_free, meta.premium_rate, meta.shared_cost, meta.personal_number, meta.voip, meta.pager,
        meta.uan, meta.voicemail) if desc is not None and desc.national_number_pattern]
    other = "|".join(f"(?:{p})" for p in others) or "x^"
    return (str(meta.country_code), str(meta.mobile.national_number_pattern),
            str(meta.fixed_line.national_number_pattern), other)


def parse_phones(raw: pd.Series, *, region: str = DEFAULT_REGION) -> pd.DataFrame:
    """Parse a column of phone numbers (see the module doc)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    index = raw.index
    text = pc.utf8_trim_whitespace(arrow.fold_wide(arrow.to_array(raw)))
    code, mobile_re, fixed_re, other_re = national_patterns(region)
    # most values are already a bare national mobile number; only the others take the long way
    messy = pc.and_(pc.invert(pc.match_substring_regex(text, r"^1\d{10}$")), pc.not_equal(text, ""))
    national, digits, ext = text, text, pa.nulls(len(text), pa.string()).fill_null("")
    domestic = pa.array(np.ones(len(text), dtype=bool))
    foreign = pa.array(np.zeros(len(text), dtype=bool))
    if pc.any(messy).as_py():
        part = pc.filter(text, messy)
        main, part_ext = _split_extension(part)
        main = _undo_excel(main)
        plus = pc.match_substring_regex(main, r"^[\s(\[]*\+")
        part_digits = pc.replace_substring_regex(main, r"\D+", "")
        spelled = pc.if_else(plus, pc.binary_join_element_wise("+", part_digits, ""), part_digits)
        part_national = pc.replace_substring_regex(spelled, rf"^(?:\+{code}|00{code})", "")
        part_national = pc.replace_substring_regex(part_national, rf"^{code}(\d{{10,11}})$", r"\1")
        part_domestic = pc.invert(pc.or_(pc.starts_with(part_national, "+"), pc.starts_with(part_national, "00")))
        part_national = pc.replace_substring_regex(part_national, r"^0([1-9]\d*)$", r"\1")
        part_foreign = pc.and_(pc.invert(part_domestic), pc.greater_equal(pc.utf8_length(part_digits), 5))
        national = pc.replace_with_mask(text, messy, pc.if_else(part_domestic, part_national, ""))
        digits = pc.replace_with_mask(text, messy, pc.if_else(part_domestic, part_national, spelled))
        ext = pc.replace_with_mask(ext, messy, part_ext)
        domestic = pc.replace_with_mask(domestic, messy, part_domestic)
        foreign = pc.replace_with_mask(foreign, messy, part_foreign)
    long_enough = pc.greater_equal(pc.utf8_length(national), 5)
    is_mobile = pc.and_(long_enough, pc.match_substring_regex(national, f"^(?:{mobile_re})$"))
    is_fixed = pc.and_(pc.and_not(long_enough, is_mobile), pc.match_substring_regex(national, f"^(?:{fixed_re})$"))
    decided = pc.or_(is_mobile, is_fixed)
    is_other = pc.and_(pc.and_not(long_enough, decided), pc.match_substring_regex(national, f"^(?:{other_re})$"))
    decided = pc.or_(decided, is_other)
    e164 = pc.if_else(decided, pc.binary_join_element_wise(f"+{code}", national, ""), "")
    kind = pc.if_else(is_mobile, "mobile", pc.if_else(is_fixed, "fixed", pc.if_else(is_other, "other", "")))
    foreign_mask = np.asarray(foreign.to_numpy(zero_copy_only=False), dtype=bool)
    if foreign_mask.any():
        spelled_foreign = pd.Series(pc.filter(digits, foreign), dtype="str")
        parsed = _parse_distinct(spelled_foreign, region)
        e164 = pc.replace_with_mask(e164, foreign, pa.array(parsed["e164"], type=pa.string()))
        kind = pc.replace_with_mask(kind, foreign, pa.array(parsed["kind"], type=pa.string()))
    ext = pc.if_else(pc.equal(e164, ""), "", ext)
    return pd.DataFrame({
        "e164": pd.Series(e164, index=index, dtype="str"),
        "kind": pd.Series(kind, index=index, dtype="str"),
        "ext": pd.Series(ext, index=index, dtype="str"),
        "dummy": _dummy(pc.if_else(domestic, national, digits)).to_numpy(zero_copy_only=False),
        "present": pc.not_equal(text, "").to_numpy(zero_copy_only=False),
    }, index=index)


def _to_numpy(array: Any) -> Any:
    return array.to_numpy(zero_copy_only=False)


def _split_extension(text: Any) -> tuple[Any, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    main, ext = text, pa.nulls(len(text), pa.string()).fill_null("")
    hinted = pc.match_substring_regex(text, _EXT_HINT)
    if pc.any(hinted).as_py():
        found = pc.extract_regex(pc.filter(text, hinted), "(?i)" + _EXT)
        hit = pc.is_valid(found)
        main = pc.replace_with_mask(main, hinted, pc.if_else(hit, pc.struct_field(found, [0]), pc.filter(text, hinted)))
        ext = pc.replace_with_mask(ext, hinted, pc.if_else(hit, pc.struct_field(found, [1]), ""))
    found = pc.extract_regex(main, _LANDLINE_EXT)
    hit = pc.and_(pc.equal(ext, ""), pc.is_valid(found))
    main = pc.if_else(hit, pc.struct_field(found, [0]), main)
    ext = pc.if_else(hit, pc.struct_field(found, [1]), ext)
    return main, ext


def _undo_excel(text: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.replace_substring_regex(text, r"^\s*(\d+)\.0+\s*$", r"\1")
    scientific = pc.match_substring_regex(text, r"^\s*\d(?:\.\d+)?[eE]\+?\d{1,2}\s*$")
    if pc.any(scientific).as_py():
        values = pc.filter(text, scientific).to_pylist()
        fixed = {v: _from_scientific(v) for v in set(values)}
        replaced = pa.array([fixed[v] for v in values], type=text.type)
        text = pc.replace_with_mask(text, scientific, replaced)
    return text


def _from_scientific(value: str) -> str:
    number = float(value)
    return f"{number:.0f}" if number < 1e16 else value


def _parse_distinct(spelled: pd.Series, region: str) -> pd.DataFrame:
    """phonenumbers on each distinct value: the unavoidable per-value step, only for numbers of other
    countries (the vectorised path decides every number of ``region``)."""
    import pandas as pd

    distinct = spelled.unique()
    table = {value: _parse_one(value, region) for value in distinct}
    rows = spelled.map(table)
    return pd.DataFrame({"e164": rows.str[0], "kind": rows.str[1]}, index=spelled.index)


def _parse_one(value: str, region: str) -> tuple[str, str]:
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ("", "")
    if not phonenumbers.is_valid_number(number):
        return ("", "")
    kind = phonenumbers.number_type(number)
    label = "mobile" if kind in (T.MOBILE, T.FIXED_LINE_OR_MOBILE) else "fixed" if kind == T.FIXED_LINE else "other"
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), label)


_DUMMY_RE = (
    "^(?:" + "|".join(DUMMY_NUMBERS) + ")$"  # known placeholders
    + "|^(?:" + "|".join(f"{d}+" for d in "0123456789") + ")$"  # one digit throughout
    + "|^1\\d\\d(?:" + "|".join(f"{d}{{8}}" for d in "0123456789") + ")$"  # a mobile ending in eight of one digit
    + "|(?:" + "|".join(_SEQUENCES) + ")$"  # ending in a run
)


def _dummy(array: Any) -> Any:
    import pyarrow.compute as pc

    return pc.and_(pc.greater_equal(pc.utf8_length(array), 5), pc.match_substring_regex(array, _DUMMY_RE))


def dummy_mask(digits: pd.Series) -> pd.Series:
    """Placeholder numbers, from their national digits: the known list (``13800138000``...), one digit
    throughout (``11111111111``), a mobile whose last eight digits are one digit (``13900000000``), or a
    number ending in a run such as ``12345678``. Numbers of fewer than five digits are not judged."""
    import pandas as pd

    return pd.Series(_to_numpy(_dummy(arrow.to_array(digits))).astype(bool), index=digits.index)


def to_e164(value: str, *, region: str = DEFAULT_REGION) -> str:
    """One value, for callers outside the vectorised pipeline (tests, single lookups)."""
    import pandas as pd

    return str(parse_phones(pd.Series([value], dtype="str"), region=region)["e164"].iloc[0])
