"""Every ready playbook speaks one language to its client: with ``language: zh-CN`` every word of its manual
steps, checklist and delivery report is Chinese, with ``language: en`` English.

How a stray word of the other language is found, honestly:

* **The tenant's own data is shown as written.** Names (a role, a lead pool, an employee), texts the client
  wrote and the options the client entered are the same in both languages; they are the string values of
  the playbook's fields that are not picklists of the platform (:func:`tenant_texts`), and the name of the
  tenant's profile. An occurrence of one of them is left out of the check unless it is part of a longer run
  of Latin letters or digits. A picklist option of the platform (``Literal`` and ``Enum`` values, such as
  ``标记重复``) is never the tenant's data: an English client reads it in English. (A tenant's value that is
  also a word the text uses, such as 营销通 as an option of a lead field, hides that word wherever it
  appears: the check is per word, not per place. What a stray word leaves around it still shows.)
* **Both languages**: code spans and step names (``roles/市场经理``, as ``mktctl confirm`` takes them) are
  written as they are.
* **English** (``en``): no CJK character is left.
* **Chinese** (``zh-CN``): no word of two or more Latin letters is left, except technical tokens a client
  types or reads as they are: web and e-mail addresses, domain names, ``mktctl`` commands, identifiers with
  an underscore, a dot, a dash, a slash or a digit (api names such as ``product_interest__c``, ``M001``),
  the terms of a DNS record (``v=spf1``, ``include:host``, ``~all``), acronyms in capitals (``CRM``,
  ``MQL``, ``SPF``, ``UTM``), and the proper nouns in :data:`PROPER_NOUNS`, which the platform itself
  writes in Latin letters.

The header notes of a Chinese configuration workbook (and of the survey) are checked the same way, with what
a note writes as it is besides: the field's name in playbook YAML that starts the note (the import reads the
column by it), structured data after a label (``示例：[{...}]``) and a code shown beside its Chinese label
(``own（本人）``, ``delete = 删除``). What every field means in Chinese is checked at its source too.

That Chinese text uses Chinese punctuation is shown in ``test_chinese_punctuation.py``.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.playbooks.client_files import (
    LABELLED_STRUCTURED,
    Places,
    configuration_workbook,
    notes,
    sample_texts,
    survey,
)
from tests.playbooks.client_texts import (
    LANGUAGES,
    NOT_ASCII_AFTER,
    NOT_ASCII_BEFORE,
    READY,
    client_texts,
    data_pattern,
    kind_models,
    loaded,
    tenant_texts,
)

# Names the platform writes in Latin letters in its Chinese interface too.
PROPER_NOUNS = frozenset({
    "Google", "LinkedIn", "Facebook",  # the overseas ad platforms
    "Logo", "AppID", "AppSecret", "SecretKey", "OpenID", "UnionID", "OneID",  # labels of the console
    "App",  # an option of the console: what proves an SMS signature is the client's
})

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = "\u3007"  # 〇: a word character, outside the CJK ideographs that an English text must not hold
_TECHNICAL = [
    re.compile(r"`[^`\n]*`"),  # code spans
    re.compile(r"https?://\S+"),  # web addresses
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(NOT_ASCII_BEFORE + r"mktctl(?: (?:--?[\w-]+|[a-z][\w./*-]*))*"),  # mktctl and its commands
    re.compile(NOT_ASCII_BEFORE + r"[A-Za-z]+[=:][\w.@=-]+"),  # a DNS record's terms: v=spf1, include:host
    re.compile(r"[~?+-]all" + NOT_ASCII_AFTER),  # the SPF record's last term
    # identifiers: api names, file names, step names, domains (also with data in them: test.com, test being data)
    re.compile(rf"[A-Za-z0-9*{PLACEHOLDER}]+(?:[._/-][\w*]+)+"),
    re.compile(r"[A-Za-z0-9]*_[A-Za-z0-9_]*"),  # api names with an underscore
    re.compile(NOT_ASCII_BEFORE + r"[A-Za-z0-9]*\d[A-Za-z0-9]*"),  # identifiers with a digit: M001, DMARC1
    re.compile(NOT_ASCII_BEFORE + r"[A-Z][A-Z0-9]+" + NOT_ASCII_AFTER),  # acronyms: CRM, MQL, SPF
]
# what is written as it is in both languages: code spans, and step names as ``mktctl confirm`` takes them
_VERBATIM = [re.compile(r"`[^`\n]*`"), re.compile(NOT_ASCII_BEFORE + r"[a-z_]+/[^\s)）|,，、；;]+")]
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def masked(text: str, tenant: frozenset[str]) -> str:
    """``text`` with each occurrence of the tenant's data replaced by a placeholder."""
    return data_pattern(tenant).sub(PLACEHOLDER, text)


def stray_words(text: str, lang: str, tenant: frozenset[str]) -> list[str]:
    """The lines of ``text`` that hold a word of the other language, each with that word."""
    found = []
    for line in html.unescape(text).splitlines():
        shown = masked(line, tenant)
        for pattern in _VERBATIM:
            shown = pattern.sub(" ", shown)
        if lang == "en":
            words = _CJK.findall(shown)
        else:
            rest = shown
            for pattern in _TECHNICAL:
                rest = pattern.sub(" ", rest)
            words = [w for w in _LATIN_WORD.findall(rest) if w not in PROPER_NOUNS]
        if words:
            found.append(f"{words[0]!r} in: {line.strip()}")
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", READY)
def test_what_a_client_reads_of_a_ready_playbook_is_all_in_the_playbooks_language(name, lang) -> None:
    tenant = tenant_texts(loaded(name))
    texts = client_texts(name, lang)

    stray = {document: stray_words(text, lang, tenant) for document, text in texts.items()}

    assert not any(stray.values()), "\n".join(f"{name} {lang} {document}: {line}" for document, lines in
                                              stray.items() for line in lines[:15])


def test_the_check_finds_a_word_of_the_other_language_and_spares_the_tenants_data() -> None:
    tenant = frozenset({"市场经理", "test", "城市客户沙龙, 30-80 人"})

    assert stray_words("Verify: open role '市场经理'", "en", tenant) == []
    assert stray_words("Where: 管理后台 > 市场经理", "en", tenant) == ["'管' in: Where: 管理后台 > 市场经理"]
    assert stray_words("测试姓名关键词：测试、test", "zh-CN", tenant) == []
    assert stray_words("必填字段：name、mobile", "zh-CN", tenant) == ["'name' in: 必填字段：name、mobile"]
    assert stray_words("字段API名称：product_interest__c；见 `mktctl steps`，https://x.cn/a?b=c", "zh-CN",
                       tenant) == []


# what a header note writes as it is: the field's name starting its first line, and a code beside its label
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*(?=：|$)")
_CODE_BESIDE_LABEL = re.compile(NOT_ASCII_BEFORE + r"[\w-]+(?=（[^）]*" + _CJK.pattern + r"| = " + _CJK.pattern + ")")


def note_line(place: str, text: str) -> str:
    """A line of a header note with what it writes as it is left blank."""
    if place.endswith(" note, line 1"):
        text = _FIELD_NAME.sub(" ", text)
    for pattern in (LABELLED_STRUCTURED, _CODE_BESIDE_LABEL):
        text = pattern.sub(" ", text)
    return text


def stray_words_in_notes(places: Places, data: frozenset[str]) -> list[str]:
    """Each line of the notes among ``places`` that holds a word of English, with its place and the word."""
    return [f"{place}: {found.partition(' in: ')[0]} in: {text}" for place, text in notes(places)
            for found in stray_words(note_line(place, text), "zh-CN", data)]


@pytest.mark.parametrize("name", READY)
def test_the_header_notes_of_a_ready_playbooks_chinese_workbook_are_all_in_chinese(name) -> None:
    places = configuration_workbook(name)

    stray = stray_words_in_notes(places, tenant_texts(loaded(name)) | sample_texts(loaded(name)))

    assert len(notes(places)) > 500 and stray == [], "\n".join(stray[:30])


def test_the_header_notes_of_the_chinese_survey_are_all_in_chinese() -> None:
    stray = stray_words_in_notes(survey(), sample_texts(None))

    assert stray == [], "\n".join(stray[:30])


def test_what_every_field_of_every_kind_means_in_chinese_is_all_chinese() -> None:
    descriptions = [(f"{model.__qualname__}.{field}", text) for model in kind_models()
                    for field, text in getattr(model, "descriptions_zh", {}).items()]

    stray = [f"{where}: {found}" for where, text in descriptions
             for found in stray_words(text, "zh-CN", sample_texts(None))]

    assert len(descriptions) > 200 and stray == [], "\n".join(stray)


def test_the_note_check_spares_the_field_name_data_and_codes_but_finds_english() -> None:
    places = [("表!A1 note, line 1", "pool：线索存入的线索池"), ("表!A1 note, line 2", "可选值：own（本人）、all"),
              ("表!A1 note, line 3", '示例：{"names": ["测试"]}'), ("表!B1 note, line 1", "channels"),
              ("表!C1 note, line 1", "corp_id: CorpID, ww followed by 16 hex digits"),
              ("表!C1 note, line 2", "可选值：first、last"), ("角色权限!C3 note, line 2", "delete = 删除")]

    assert stray_words_in_notes(places, frozenset()) == [
        "表!A1 note, line 2: 'all' in: 可选值：own（本人）、all",
        "表!C1 note, line 1: 'CorpID' in: corp_id: CorpID, ww followed by 16 hex digits",
        "表!C1 note, line 2: 'first' in: 可选值：first、last"]


@pytest.mark.e2e
def test_mktctl_steps_lang_en_lists_a_chinese_playbooks_steps_all_in_english(tmp_path, mktctl) -> None:
    assert mktctl("init", "--template", "standard", "acme").code == 0
    tenant = tenant_texts(loaded("standard"))

    run = mktctl("--tenant", "sandbox-public", "steps", "--lang", "en", cwd=tmp_path / "acme")

    assert run.code == 0, run.output
    lines = run.stdout.splitlines()
    assert "! roles/市场经理  pending (client CRM admin)" in lines
    assert "    Menu path: Admin console > Permissions > Role permissions > 市场经理" in lines
    assert "    Admins: 王芳 (M001)" in lines
    assert "    Required fields: Name, Mobile" in lines
    assert "    Done? Confirm with: mktctl confirm lead_cleaning/lead_cleaning --by NAME" in lines
    assert stray_words(run.stdout, "en", tenant) == []
