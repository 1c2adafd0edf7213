"""Rejection rules: one reason per row, the first that applies, in this order.

1. ``missing_required`` - the name or the company is empty;
2. ``test_data`` - 测试 or the word "test" in the name or company, an email of a domain reserved for
   examples and tests (example.com, example.cn, test.com, ...), a placeholder mobile (13800138000,
   11111111111, ...), and the test names, mobiles and email domains of the cleaning rules;
3. ``competitor`` - the email's domain is a competitor's (``--competitor-domain`` or the playbook's list),
   subdomains included;
4. ``invalid_contact`` - no valid mobile, landline or email is left;
5. ``invalid_value`` - a column that feeds a custom field holds a value of the wrong type (the check
   decides it with :mod:`mktctl.leads.custom`, after these rules).

``CleaningRules`` is what a playbook adds to the built-in rules (its ``lead_cleaning``: test data and
competitor domains); whoever runs a check or an import builds it and passes it in, so the command line
and ``mktctl apply`` clean a file alike. ``reject(frame, rules) -> Series`` of reasons (``""`` where the
row is kept); pure and vectorised, on the output of :func:`mktctl.leads.normalise.normalise`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mktctl.leads import arrow
from mktctl.leads.emails import domain_in, test_domain

if TYPE_CHECKING:
    import pandas as pd

REASONS = ("missing_required", "test_data", "competitor", "invalid_contact")
INVALID_VALUE = "invalid_value"  # after these: a custom field's column holds a value its type cannot take
DUPLICATE = "duplicate"
# 测试 anywhere; "test" as a word of its own or at a word's start or end (Test Co, test123), not
# inside another word (Contest, Attestation)
TEST_WORDS = r"测试|(?:^|[^a-z])test(?:$|[^a-z]|s(?:$|[^a-z])|ing(?:$|[^a-z]))"


@dataclass(frozen=True)
class CleaningRules:
    """Test data and competitors beyond the built-in rules, e.g. a playbook's ``lead_cleaning``.

    ``test_names``: a name or company containing one of these words is test data; ``test_mobiles``: these
    mobiles (any spelling); ``test_email_domains`` and ``competitor_domains``: emails of these domains or
    their subdomains."""

    competitor_domains: tuple[str, ...] = ()
    test_names: tuple[str, ...] = ()
    test_mobiles: tuple[str, ...] = ()
    test_email_domains: tuple[str, ...] = ()

    def with_competitors(self, domains: tuple[str, ...] | list[str]) -> CleaningRules:
        """These rules and a run's own competitor domains (``--competitor-domain``, an import's list), the
        run's first, each once."""
        return replace(self, competitor_domains=tuple(dict.fromkeys([*domains, *self.competitor_domains])))

    def describe(self) -> dict[str, list[str]]:
        return {"competitor_domains": list(self.competitor_domains), "test_names": list(self.test_names),
                "test_mobiles": list(self.test_mobiles), "test_email_domains": list(self.test_email_domains)}


NO_RULES = CleaningRules()


def reject(frame: pd.DataFrame, rules: CleaningRules = NO_RULES) -> pd.Series:
    """The reason each row is rejected for, by the built-in rules and ``rules``."""
    import numpy as np
    import pandas as pd

    from mktctl.leads.phones import parse_phones

    missing = (frame["name"] == "") | (frame["company"] == "")
    pattern = TEST_WORDS + "".join("|" + _escape(w) for w in rules.test_names if w.strip() and w.lower() != "test")
    words = arrow.contains(frame["name"], pattern, ignore_case=True) | \
        arrow.contains(frame["company"], pattern, ignore_case=True)
    test = words | test_domain(frame["email_domain"]) | frame["mobile_dummy"].astype(bool)
    if rules.test_email_domains:
        test |= domain_in(frame["email_domain"], rules.test_email_domains)
    if rules.test_mobiles:
        listed = set(parse_phones(pd.Series(list(rules.test_mobiles), dtype="str"))["e164"]) - {""}
        test |= frame["mobile"].isin(listed)
    competitor = domain_in(frame["email_domain"], rules.competitor_domains)
    no_contact = (frame["mobile"] == "") & (frame["tel"] == "") & (frame["email"] == "")
    reasons = np.select([missing.to_numpy(), test.to_numpy(), competitor.to_numpy(), no_contact.to_numpy()],
                        list(REASONS), default="")
    return pd.Series(reasons, index=frame.index, dtype="str")


def _escape(text: str) -> str:
    return "".join(c if c.isalnum() or ord(c) > 127 else "\\" + c for c in text.strip())
