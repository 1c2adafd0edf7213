"""Email addresses: folded, trimmed, lower-cased and checked, vectorised.

``parse_emails(series) -> DataFrame[email, domain, present]``: full-width characters folded (``＠``,
``．``, the ideographic full stop ``。``), a ``mailto:`` prefix and angle brackets removed, all white
space removed, lower case; of several addresses in one cell (``a@x.cn; b@y.cn``) the first is kept.
``email`` is ``""`` when the result is not a plausible address: one ``@``, a local part of the usual
characters, a domain of dot-separated labels ending in a TLD of two or more letters (internationalised
addresses are not accepted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktctl.leads import arrow

if TYPE_CHECKING:
    import pandas as pd

VALID = (r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
         r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")
# reserved for examples and tests (RFC 2606), and the usual fakes
TEST_DOMAINS = ("example.com", "example.cn", "example.org", "example.net", "test.com", "test.cn", "test.net",
                "demo.com", "xxx.com", "mailinator.com")
TEST_TLDS = ("test", "example", "invalid", "localhost", "local")
_SEPARATORS = r"[;,/<>\"'()\[\]|]"


def parse_emails(raw: pd.Series) -> pd.DataFrame:
    import pandas as pd
    import pyarrow.compute as pc

    array = pc.utf8_lower(arrow.fold_wide(arrow.to_array(raw)))
    present = pc.not_equal(pc.utf8_trim_whitespace(array), "")
    array = arrow.replace_where(array, r"\s", r"\s+", "")
    array = arrow.replace_where(array, r"^mailto:", r"^(?:mailto:)+", "")
    array = arrow.replace_where(array, _SEPARATORS,
                                r"^[<\"'(\[]*([^;,/<>\"'()\[\]|]*@[^;,/<>\"'()\[\]|]*).*$", r"\1")
    array = arrow.replace_where(array, r"[.;,]$", r"[.;,]+$", "")
    valid = pc.match_substring_regex(array, f"^(?:{VALID})$")
    email = pc.if_else(valid, array, "")
    domain = arrow.replace_where(email, "@", r"^[^@]*@", "")
    index = raw.index
    return pd.DataFrame({"email": arrow.to_series(email, index), "domain": arrow.to_series(domain, index),
                         "present": arrow.to_bools(present, index)}, index=index)


def domain_in(domain: pd.Series, domains: tuple[str, ...] | frozenset[str] | list[str]) -> pd.Series:
    """True where ``domain`` is one of ``domains`` or a subdomain of one (``mail.rival.cn``)."""
    import pandas as pd

    wanted = {d.strip().lower().lstrip("@").lstrip(".") for d in domains if d and d.strip()}
    if not wanted:
        return pd.Series(False, index=domain.index)
    pattern = "(?:^|\\.)(?:" + "|".join(_escape(d) for d in sorted(wanted)) + ")$"
    return arrow.contains(domain, pattern) & (domain != "")


def test_domain(domain: pd.Series) -> pd.Series:
    """Domains reserved for examples and tests, and common fakes."""
    tlds = "(?:^|\\.)(?:" + "|".join(TEST_TLDS) + ")$"
    return domain_in(domain, TEST_DOMAINS) | (arrow.contains(domain, tlds) & (domain != ""))


def _escape(text: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in text)


def normalise_email(value: str) -> str:
    """One value (for tenant records and tests)."""
    import pandas as pd

    return str(parse_emails(pd.Series([value], dtype="str"))["email"].iloc[0])
