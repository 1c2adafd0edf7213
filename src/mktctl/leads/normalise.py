"""Normalisation: the raw text of the mapped fields → one canonical value per field. ``DataFrame -> DataFrame``.

``normalise(raw, region="CN") -> DataFrame`` with the lead fields (``name``, ``company``, ``mobile``
(E.164), ``tel`` (E.164, ``;ext=123`` for an extension), ``email``, ``province``, ``city``,
``industry``, ``job_title``, ``source``, ``create_time`` (``YYYY-MM-DD HH:MM:SS``), ``remark``, ``url``)
and the facts the rules need (``mobile_dummy``, ``email_domain``, ``*_invalid`` flags, the raw contact
values for the result sheets).

* Text: trimmed, full-width and other odd spaces removed, runs of spaces collapsed.
* A landline in the mobile column moves to the landline when that is empty; a mobile in the landline
  column moves to the mobile when that is empty. A ``contact`` column (联系方式) fills whichever of
  mobile, landline and email its value is, when that one is empty.
* Dates: ``2024-05-01 10:30``, ``2024/5/1``, ``2024年5月1日``, ``2024.05.01`` and Excel serial numbers.

Every step is a vectorised column operation; normalising a value twice gives the same value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktctl.leads import arrow
from mktctl.leads.emails import parse_emails
from mktctl.leads.fields import DATA_KEYS
from mktctl.leads.phones import parse_phones
from mktctl.leads.picklists import canonical_labels, preset
from mktctl.leads.regions import canonical_regions
from mktctl.leads.text import clean_text

if TYPE_CHECKING:
    import pandas as pd

FACTS = ("mobile_dummy", "tel_dummy", "email_domain", "mobile_invalid", "tel_invalid", "email_invalid",
         "create_time_invalid", "region_unknown", "industry_unknown", "source_unknown",
         "raw_mobile", "raw_tel", "raw_email")


def normalise(raw: pd.DataFrame, *, region: str = "CN") -> pd.DataFrame:
    import pandas as pd

    index = raw.index
    empty = pd.Series("", index=index, dtype="str")

    def column(key: str) -> pd.Series:
        return raw[key].fillna("").astype("str") if key in raw.columns else empty

    out = pd.DataFrame(index=index)
    for key in ("name", "company", "job_title", "remark", "url"):
        out[key] = clean_text(column(key))
    mobile = parse_phones(column("mobile"), region=region)
    tel = parse_phones(column("tel"), region=region)
    email = parse_emails(column("email"))
    contact = column("contact")
    if "contact" in raw.columns and (contact != "").any():
        mobile, tel, email = _spread_contact(contact, mobile, tel, email, region)
    mobile, tel = _swap_kinds(mobile, tel)
    out["mobile"] = mobile["e164"]
    out["tel"] = tel["e164"].where(tel["ext"] == "", tel["e164"] + ";ext=" + tel["ext"])
    out["email"] = email["email"]
    regions = canonical_regions(column("province"), column("city"))
    out["province"] = regions["province"]
    out["city"] = regions["city"]
    industry, industry_known = canonical_labels(column("industry"), preset("industry"))
    source, source_known = canonical_labels(column("source"), preset("source"))
    out["industry"] = industry
    out["source"] = source
    created, created_bad = parse_times(column("create_time"))
    out["create_time"] = created
    out["mobile_dummy"] = mobile["dummy"].to_numpy()
    out["tel_dummy"] = tel["dummy"].to_numpy()
    out["email_domain"] = email["domain"]
    out["mobile_invalid"] = (mobile["present"] & (mobile["e164"] == "")).to_numpy()
    out["tel_invalid"] = (tel["present"] & (tel["e164"] == "")).to_numpy()
    out["email_invalid"] = (email["present"] & (email["email"] == "")).to_numpy()
    out["create_time_invalid"] = created_bad.to_numpy()
    out["region_unknown"] = (~(regions["province_known"] & regions["city_known"])).to_numpy()
    out["industry_unknown"] = (~industry_known).to_numpy()
    out["source_unknown"] = (~source_known).to_numpy()
    out["raw_mobile"] = column("mobile")
    out["raw_tel"] = column("tel")
    out["raw_email"] = column("email")
    for key in DATA_KEYS:
        if key not in out.columns:
            out[key] = empty
    return out


def _spread_contact(contact: pd.Series, mobile: pd.DataFrame, tel: pd.DataFrame, email: pd.DataFrame,
                    region: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    is_email = contact.str.contains("@|＠", regex=True)
    as_email = parse_emails(contact.where(is_email, ""))
    as_phone = parse_phones(contact.where(~is_email, ""), region=region)
    email = email.copy()
    fill = (email["email"] == "") & (as_email["email"] != "")
    email.loc[fill, ["email", "domain"]] = as_email.loc[fill, ["email", "domain"]].to_numpy()
    email["present"] = email["present"] | as_email["present"]
    mobile, tel = mobile.copy(), tel.copy()
    columns = ["e164", "kind", "ext", "dummy"]
    to_mobile = (mobile["e164"] == "") & (as_phone["kind"] == "mobile")
    mobile.loc[to_mobile, columns] = as_phone.loc[to_mobile, columns].to_numpy()
    to_tel = (tel["e164"] == "") & (as_phone["e164"] != "") & ~to_mobile & (as_phone["kind"] != "mobile")
    tel.loc[to_tel, columns] = as_phone.loc[to_tel, columns].to_numpy()
    invalid_phone = as_phone["present"] & (as_phone["e164"] == "")
    mobile["present"] = mobile["present"] | invalid_phone
    mobile["dummy"] = mobile["dummy"] | (as_phone["dummy"] & ~to_tel)
    return mobile, tel, email


def _swap_kinds(mobile: pd.DataFrame, tel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A landline in the mobile column and a mobile in the landline column go where they belong, when
    that place is empty; a landline in the mobile column is not a mobile either way."""
    mobile, tel = mobile.copy(), tel.copy()
    columns = ["e164", "kind", "ext", "dummy"]
    landline_in_mobile = (mobile["e164"] != "") & (mobile["kind"] != "mobile")
    mobile_in_tel = (tel["kind"] == "mobile")
    to_tel = landline_in_mobile & (tel["e164"] == "") & ~mobile_in_tel
    to_mobile = mobile_in_tel & ((mobile["e164"] == "") | landline_in_mobile)
    moving_to_tel = mobile.loc[to_tel, columns].to_numpy()
    moving_to_mobile = tel.loc[to_mobile, columns].to_numpy()
    swap = to_tel & to_mobile
    moving_swap = mobile.loc[swap, columns].to_numpy()
    if to_tel.any():
        tel.loc[to_tel, columns] = moving_to_tel
    if to_mobile.any():
        mobile.loc[to_mobile, columns] = moving_to_mobile
        tel.loc[to_mobile & ~swap, ["e164", "kind", "ext"]] = ""
        tel.loc[to_mobile & ~swap, "dummy"] = False
    if swap.any():
        tel.loc[swap, columns] = moving_swap
    # whatever is still not a mobile in the mobile column is dropped from it (it is in tel or lost)
    still = (mobile["e164"] != "") & (mobile["kind"] != "mobile")
    if still.any():
        mobile.loc[still, ["e164", "kind", "ext"]] = ""
    return mobile, tel


def parse_times(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(``YYYY-MM-DD HH:MM:SS`` or ``""``, invalid) for date/time text; see the module doc."""
    import pandas as pd

    text = text.str.strip()
    present = text != ""
    spaced = arrow.replace(arrow.replace(text, r"[/.年月]", "-"), r"[日号]\s*|T", " ").str.strip()
    parsed = pd.to_datetime(spaced, format="ISO8601", errors="coerce")
    missing = present & parsed.isna()
    if missing.any():
        distinct = spaced[missing].unique()
        table = {v: _one_time(v) for v in distinct}
        parsed = parsed.copy()
        parsed[missing] = pd.to_datetime(spaced[missing].map(table), errors="coerce")
    result = parsed.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").astype("str")
    return result, present & parsed.isna()


def _one_time(value: str) -> object:
    import datetime as dt

    import pandas as pd

    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if 20000 <= number < 80000:  # an Excel serial date (1954-2119)
            return dt.datetime(1899, 12, 30) + dt.timedelta(days=number)
        return None
    try:
        return pd.to_datetime(value, format="mixed", errors="coerce")
    except (ValueError, OverflowError):
        return None


def to_epoch_ms(text: pd.Series, timezone: str = "Asia/Shanghai") -> pd.Series:
    """``YYYY-MM-DD HH:MM:SS`` local times → milliseconds since the epoch (the platform's date_time)."""
    import pandas as pd

    parsed = pd.to_datetime(text.where(text != "", None), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    local = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    millis = (local - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
    return millis.astype("Int64")
