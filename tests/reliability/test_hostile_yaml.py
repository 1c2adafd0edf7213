"""Hostile YAML, for every reader of YAML (playbooks, test files, mapping files, tenant profiles, the ledger,
migration maps): bounded work whatever the aliases and merge keys (``<<``) do, and valid merges read as YAML
says.

Every YAML file mktctl reads goes through :func:`mktctl.base.yamlload.load_yaml_file`; the cases below are
given to each reader so that a new reader with its own loader would show here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mktctl.base import yamlload
from mktctl.base.yamlload import MAX_VALUES, load_yaml_text
from mktctl.errors import MktctlError, PlaybookError
from tests.reliability.support import base_env, record_figures, run

SECONDS = 20.0  # a ceiling for a hang, not a speed test: the cases below take about a second on a busy machine


def merge_bomb(keys: int = 1000, merges: int = 25_000) -> str:
    """About 100 KB: one anchor of ``keys`` keys, merged ``merges`` times into one mapping (25 million pairs
    to weigh if merged pairs were not counted)."""
    anchor = "x-base: &base {" + ", ".join(f"k{i}: {i}" for i in range(keys)) + "}\n"
    return anchor + "x-item:\n  <<: [" + ", ".join(["*base"] * merges) + "]\n"


def spread_merge_bomb(items: int = 400) -> str:
    """Weight spread over many mappings: each merges the same anchor of 100 keys ten times. 40,000 values are
    built, but 400,000 merged pairs are weighed to build them."""
    anchor = "x-base: &base {" + ", ".join(f"k{i}: {i}" for i in range(100)) + "}\n"
    body = "".join("  - {<<: [" + ", ".join(["*base"] * 10) + "]}\n" for _ in range(items))
    return anchor + "x-items:\n" + body


def timed(load: Callable[[], Any]) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        load()
    except MktctlError as error:
        return error, time.monotonic() - started
    return None, time.monotonic() - started


# ---- merge keys: counted, and read as YAML says ---------------------------------------------------------


def test_a_merge_bomb_is_refused_at_its_position_in_bounded_time() -> None:
    error, seconds = timed(lambda: load_yaml_text(merge_bomb(), "bomb.yaml"))

    assert isinstance(error, PlaybookError)
    assert f"more than {MAX_VALUES} values" in str(error) and str(error).startswith("bomb.yaml:3:3:")
    assert seconds < SECONDS
    record_figures("hostile yaml", {"input": "merge bomb: 1,000 keys merged 25,000 times",
                                    "bytes": len(merge_bomb()), "seconds": round(seconds, 2), "exit": 1})


def test_merged_pairs_count_towards_the_cap_even_when_their_keys_are_already_there() -> None:
    text = spread_merge_bomb()
    error, seconds = timed(lambda: load_yaml_text(text, "spread.yaml"))

    assert isinstance(error, PlaybookError) and "values (an alias bomb?)" in str(error)
    assert seconds < SECONDS


def test_a_merge_of_a_mapping_that_itself_merges_is_read() -> None:
    document = load_yaml_text("a: &a {x: 1, y: 1}\nb: &b {<<: *a, y: 2, z: 2}\nc:\n  <<: *b\n  z: 3\n", "m.yaml")

    assert document.data["b"] == {"x": 1, "y": 2, "z": 2}
    assert document.data["c"] == {"x": 1, "y": 2, "z": 3}  # its own key first, then b's (b's own, then a's)


def test_earlier_mappings_of_a_merge_list_win_and_merged_keys_keep_their_positions() -> None:
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n  w: 0\n"
    document = load_yaml_text(text, "m.yaml")

    assert document.data["c"] == {"w": 0, "x": 1, "y": 2}
    assert str(document.mark(("c", "y"), key=True)) == "m.yaml:2:14"  # where y is written, in b


def test_a_chain_of_merges_that_doubles_at_each_level_is_read_once_per_mapping() -> None:
    lines = ["m0: &m0 {k0: 0}"]
    for i in range(1, 40):  # each merges the previous one twice: 2**39 pairs if gathered again each time
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}")
    error, seconds = timed(lambda: load_yaml_text("\n".join(lines), "chain.yaml"))

    assert error is None and seconds < SECONDS
    assert load_yaml_text("\n".join(lines), "chain.yaml").data["m39"] == {f"k{i}": i for i in range(39, -1, -1)}


def test_a_mapping_that_merges_itself_is_refused() -> None:
    with pytest.raises(PlaybookError, match="merges the mapping it is in"):
        load_yaml_text("a: &a {x: 1, <<: *a}\n", "self.yaml")


def test_merges_nested_past_the_depth_limit_are_refused_and_long_chains_of_anchors_are_read() -> None:
    nested = "a: " + "{<<: " * 70 + "{k: 0}" + "}" * 70 + "\n"
    with pytest.raises(PlaybookError, match=r"merge keys \(<<\) nest too deep"):
        load_yaml_text(nested, "deep.yaml")
    chain = ["m0: &m0 {k: 0}", *(f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 200))]
    assert load_yaml_text("\n".join(chain), "chain.yaml").data["m199"] == {"k": 0}


def test_a_merge_of_something_else_than_a_mapping_is_refused_where_it_is() -> None:
    with pytest.raises(PlaybookError) as caught:
        load_yaml_text("a: &a [1, 2]\nb:\n  <<: *a\n", "list.yaml")
    assert str(caught.value) == "list.yaml:1:8: a merge key (<<) must point at a mapping"


def test_composing_stops_at_the_node_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser itself costs 30-50 µs a node: a file of 5 MB of aliases would compose for a minute."""
    monkeypatch.setattr(yamlload, "MAX_NODES", 5_000)
    text = "a: &a [1]\nb: [" + ", ".join(["*a"] * 6_000) + "]\n"
    error, _ = timed(lambda: load_yaml_text(text, "aliases.yaml"))

    assert isinstance(error, PlaybookError) and "more than 5,000 keys, values and aliases" in str(error)
    assert str(error).startswith("aliases.yaml:2:")
    assert load_yaml_text("a: &a [1]\nb: [" + ", ".join(["*a"] * 4_000) + "]\n", "ok.yaml").data["b"][0] == [1]


# ---- every YAML reader refuses the same ---------------------------------------------------------------


def _playbook(folder: Path, text: str) -> None:
    from mktctl.playbook.load import load_playbook

    (folder / "mktctl.yaml").write_text("version: 1\nname: p\n" + text, encoding="utf-8")
    load_playbook(folder)


def _test_file(folder: Path, text: str) -> None:
    from mktctl.rules.compile import compile_rules
    from mktctl.rules.testfile import read_test_file

    path = folder / "t.yaml"
    path.write_text(text, encoding="utf-8")
    (folder / "mktctl.yaml").write_text("version: 1\nname: p\n", encoding="utf-8")
    from mktctl.playbook.load import load_playbook

    playbook, _ = load_playbook(folder)
    read_test_file(path, "t.yaml", compile_rules(playbook))


def _mapping_file(folder: Path, text: str) -> None:
    from mktctl.leads.mapping import load_mapping_file

    path = folder / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    load_mapping_file(path)


def _tenant_profile(folder: Path, text: str) -> None:
    from mktctl.tenant.settings import resolve

    (folder / "mktctl.tenants.yaml").write_text(text, encoding="utf-8")
    resolve(folder, "t", environ={}, home=folder)


def _ledger(folder: Path, text: str) -> None:
    from mktctl.engine.ledger import LEDGER_FILE, Ledger

    (folder / LEDGER_FILE).write_text(text, encoding="utf-8")
    Ledger.load(folder)


def _migration_map(folder: Path, text: str) -> None:
    from mktctl.migrate.mapfile import load_map

    path = folder / "map.yaml"
    path.write_text(text, encoding="utf-8")
    load_map(path)


READERS: dict[str, Callable[[Path, str], None]] = {
    "playbook": _playbook, "test file": _test_file, "mapping file": _mapping_file,
    "tenant profile": _tenant_profile, "ledger": _ledger, "migration map": _migration_map,
}


@pytest.mark.parametrize("reader", list(READERS))
def test_every_yaml_reader_refuses_a_merge_bomb_in_bounded_time(tmp_path: Path, reader: str) -> None:
    error, seconds = timed(lambda: READERS[reader](tmp_path, merge_bomb()))

    assert error is not None and "values (an alias bomb?)" in str(error), error
    assert seconds < SECONDS


def test_validate_refuses_the_merge_bomb_playbook_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 合并\n" + merge_bomb(), encoding="utf-8")
    done = run(["validate"], tmp_path, base_env(tmp_path), timeout=120)

    assert done.code == 1, done.output
    assert "mktctl.yaml:5:3:" in done.stderr and "values (an alias bomb?)" in done.stderr
    assert "Traceback" not in done.output
    record_figures("hostile yaml", {"input": "mktctl validate of a 100 KB merge bomb",
                                    "bytes": (tmp_path / "mktctl.yaml").stat().st_size,
                                    "seconds": round(done.seconds, 2), "exit": done.code})
