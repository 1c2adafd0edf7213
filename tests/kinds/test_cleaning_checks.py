"""A competitor's e-mail domain that is also a domain of test data never rejects anyone as a competitor:
cleaning checks test data first (docs/testing.md), so `mktctl validate` says so at the domain."""

from __future__ import annotations

from tests.kinds.helpers_b import problems, write


def cleaning(domains: str, test_domains: str = "[]") -> str:
    return ("lead_cleaning:\n  duplicate_rules: [{match: [mobile]}]\n"
            f"  test_data: {{email_domains: {test_domains}}}\n  competitor_domains: {domains}\n")


def test_a_competitor_domain_under_a_domain_of_examples_is_a_lint(tmp_path) -> None:
    write(tmp_path, cleaning("[rival-tech.cn, rival.example.com, sales.rival.test]"))

    assert problems(tmp_path) == [
        "mktctl.yaml:6:39: warning: competitor domain 'rival.example.com' is test data (example.com is a test-data "
        "domain), and test data is checked first: its leads are rejected as test_data, never as competitor; give "
        "the competitor's real domain",
        "mktctl.yaml:6:58: warning: competitor domain 'sales.rival.test' is test data (.test is a test-data domain), "
        "and test data is checked first: its leads are rejected as test_data, never as competitor; give the "
        "competitor's real domain",
    ]


def test_a_competitor_domain_among_the_playbooks_own_test_domains_is_a_lint(tmp_path) -> None:
    write(tmp_path, cleaning("[rival-tech.cn]", test_domains="[rival-tech.cn]"))

    (found,) = problems(tmp_path)
    assert found.startswith("mktctl.yaml:6:24: warning: competitor domain 'rival-tech.cn' is test data (rival-tech.cn "
                            "is a test-data domain), and test data is checked first")
