"""The library's documented face: docs/library.md runs as written, and ``mktctl.__all__`` is what it
documents."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mktctl

DOC = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_examples_of_docs_library_md_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "library_docs"}
    printed = io.StringIO()
    examples = _examples()
    assert len(examples) >= 6
    with contextlib.redirect_stdout(printed):
        for number, example in enumerate(examples, 1):
            try:
                exec(compile(example, f"docs/library.md example {number}", "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"example {number} of docs/library.md failed: {error!r}\n{example}") from error
    output = printed.getvalue()
    assert "unknown field 'nmae'" in output
    assert "created" in output and "lead named 王芳" in output


def test_every_public_name_is_importable_and_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in mktctl.__all__:
        assert getattr(mktctl, name) is not None
        if name != "__version__":
            assert re.search(rf"\b{re.escape(name)}\b", text), f"{name} is exported but docs/library.md never shows it"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = mktctl.nothing_here  # type: ignore[attr-defined]


def test_importing_mktctl_loads_nothing_heavy() -> None:
    code = ("import sys, mktctl; heavy = [m for m in ('pandas', 'fastapi', 'httpx', 'pydantic', 'mktctl.kinds') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
