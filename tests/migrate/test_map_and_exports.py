"""The migration map's mistakes at their positions, the presets' headers recognised in messy exports, and the
values of old systems read as what they mean."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mktctl.errors import DataFileError, PlaybookError, SettingsError
from mktctl.migrate.exports import find_files, read_entity
from mktctl.migrate.mapfile import load_map, preset_map
from mktctl.migrate.values import channels, flag, number, parse_dates, split_multi
from tests.migrate.makers import (
    HUBSPOT_HEADERS,
    MARKETO_HEADERS,
    hubspot_person,
    marketo_person,
    write_csv,
    write_xlsx,
)


def _map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _messages(error: pytest.ExceptionInfo[PlaybookError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_map_mistakes_are_reported_together_at_their_positions(tmp_path: Path) -> None:
    path = _map(tmp_path, "preset: hubspt\npeople:\n  columns:\n    Industry Tags: tagz\nscore_mode: sometimes\n"
                          "valeus: {}\n")

    with pytest.raises(PlaybookError) as error:
        load_map(path)

    assert _messages(error) == [
        f"{path}:1:9: unknown preset 'hubspt' (did you mean 'hubspot'?)",
        f"{path}:4:20: people.columns.Industry Tags: unknown field 'tagz' (did you mean 'tags'?)",
        f"{path}:5:13: score_mode must be carry or recompute, not 'sometimes'",
        f"{path}:6:1: unknown key 'valeus' (did you mean 'values'?)",
    ]


def test_a_header_the_file_does_not_have_is_reported_at_the_map(tmp_path: Path) -> None:
    write_csv(tmp_path / "contacts.csv", HUBSPOT_HEADERS, [hubspot_person(1)])
    path = _map(tmp_path, "preset: hubspot\npeople:\n  file: contacts.csv\n  columns:\n    Industry Tag: tags\n")
    mapping = load_map(path)

    with pytest.raises(PlaybookError) as error:
        read_entity(tmp_path / "contacts.csv", "people", mapping)

    assert _messages(error) == [f"{path}:5:19: people.columns.Industry Tag: the file has no column 'Industry Tag' "
                                "(did you mean 'Industry Tags'?)"]


def test_a_file_the_folder_does_not_have_is_reported_at_the_map(tmp_path: Path) -> None:
    write_csv(tmp_path / "contacts.csv", HUBSPOT_HEADERS, [hubspot_person(1)])
    path = _map(tmp_path, "people: {file: contact.csv}\n")

    with pytest.raises(PlaybookError) as error:
        find_files(tmp_path, load_map(path))

    assert _messages(error) == [f"{path}:1:16: people.file: 'contact.csv' is not a file of {tmp_path} (did you mean "
                                "'contacts.csv'?)"]


def test_an_unknown_preset_on_the_command_line_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="unknown preset 'salesforce'"):
        preset_map("salesforce")


def test_an_empty_folder_says_what_it_looked_for(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no export file found"):
        find_files(tmp_path, preset_map("hubspot"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_a_hubspot_contacts_export_is_read_in_any_of_its_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "contacts.csv", HUBSPOT_HEADERS, [hubspot_person(i) for i in (1, 2)],
                     encoding=encoding)

    table = read_entity(path, "people", preset_map("hubspot"))

    assert table.rows == [2, 3]
    assert table.column("company").tolist() == ["Acme 1, Inc.", "Acme 2, Inc."]  # the quoted comma kept
    assert table.column("last_name").tolist() == ["张1", "张2"]
    assert table.column("opt_out_email").tolist() == ["false", "false"]  # both opt-out columns, joined
    assert [c.header for c in table.unknown] == ["Industry Tags", "Favourite Colour"]
    assert {c.header: c.why for c in table.not_migrated} == {
        "Country/Region": "known: a lead has province and city, not country"}


def test_several_opt_out_columns_of_one_person_are_all_kept(tmp_path: Path) -> None:
    person = hubspot_person(1, **{"Unsubscribed from all email": "false", "Opted out of email: Newsletter": "Yes"})
    table = read_entity(write_csv(tmp_path / "c.csv", HUBSPOT_HEADERS, [person]), "people", preset_map("hubspot"))

    assert table.column("opt_out_email").tolist() == ["false;Yes"]
    assert flag("false;Yes") == (True, False)


def test_a_marketo_lead_export_in_xlsx_is_read_with_its_opt_out_columns(tmp_path: Path) -> None:
    person = marketo_person(1, **{"Marketing Suspended": "TRUE"})
    path = write_xlsx(tmp_path / "leads.xlsx", MARKETO_HEADERS, [[person[h] for h in MARKETO_HEADERS]])

    table = read_entity(path, "people", preset_map("marketo"))

    assert table.column("email").tolist() == ["p1@corp.cn"]
    assert table.column("opt_out_all").tolist() == ["TRUE;0"]  # Marketing Suspended and Black Listed
    assert table.column("owner").tolist() == ["rep@beta.com"]
    assert [c.header for c in table.unknown] == ["Preferred Shoe Size"]
    assert "Email Invalid" in {c.header for c in table.not_migrated}


def test_the_generic_format_takes_field_keys_and_chinese_labels(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", ["原系统ID", "姓名", "company", "手机", "邮件退订", "短信退订"],
                     [{"原系统ID": "a1", "姓名": "王五", "company": "丙公司", "手机": "13900001111", "邮件退订": "是",
                       "短信退订": "否"}])

    table = read_entity(path, "people", preset_map(None))

    assert table.frame.to_dict("records") == [{"source_id": "a1", "name": "王五", "company": "丙公司",
                                               "mobile": "13900001111", "opt_out_email": "是", "opt_out_sms": "否"}]


def test_files_are_claimed_by_the_most_specific_entity_first(tmp_path: Path) -> None:
    write_csv(tmp_path / "all-contacts.csv", HUBSPOT_HEADERS, [hubspot_person(1)])
    write_csv(tmp_path / "contacts-email-events.csv", ["Email", "Event Type"], [])

    found = find_files(tmp_path, preset_map("hubspot"))

    assert {e: p.name for e, p in found.items()} == {"people": "all-contacts.csv",
                                                     "behaviour": "contacts-email-events.csv"}


def test_flags_read_yes_no_and_take_an_unreadable_one_as_an_opt_out() -> None:
    assert [flag(v)[0] for v in ("true", "TRUE", "Yes", "1", "是", "x", "opted out")] == [True] * 7
    assert [flag(v)[0] for v in ("false", "No", "0", "否", "", " ")] == [False] * 6
    assert flag("maybe") == (True, True)


def test_cells_with_several_values_split_at_any_separator() -> None:
    assert split_multi("VIP; 展会, 老客户，A|B、C\nD;VIP") == ["VIP", "展会", "老客户", "A", "B", "C", "D"]
    assert split_multi("") == []


def test_numbers_and_channels() -> None:
    assert (number("1,234"), number("１２"), number("12.5"), number("n/a")) == (1234.0, 12.0, 12.5, None)
    assert channels("Email; SMS") == ["邮件", "短信"]
    assert channels("all") == ["全部"]
    assert channels("fax") is None


def test_dates_in_the_formats_old_systems_write() -> None:
    text = pd.Series(["05/01/2024 10:30 AM", "13/05/2024", "2024-05-01T02:30:00Z", "2024-05-01T10:30:00+08:00",
                      "1714530600000", "1714530600", "2024年5月1日", "2024.05.01", "45413", "", "not a date"])

    parsed, invalid = parse_dates(text)

    assert parsed.tolist() == ["2024-05-01 10:30:00", "2024-05-13 00:00:00", "2024-05-01 10:30:00",
                               "2024-05-01 10:30:00", "2024-05-01 10:30:00", "2024-05-01 10:30:00",
                               "2024-05-01 00:00:00", "2024-05-01 00:00:00", "2024-05-01 00:00:00", "", ""]
    assert invalid.tolist() == [False] * 10 + [True]
