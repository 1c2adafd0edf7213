"""`mktctl --help` stays light: the heavy libraries are imported only by the commands that need them.
(How fast it is, is measured in benchmarks/startup.py, not here.)"""

from __future__ import annotations

import subprocess
import sys

HEAVY = {"pandas", "numpy", "pyarrow", "fastapi", "starlette", "uvicorn", "httpx", "pydantic", "openpyxl",
         "xlsxwriter", "jinja2", "ruamel", "phonenumbers", "polars"}


def test_help_imports_none_of_the_heavy_libraries() -> None:
    probe = ("import sys\nfrom mktctl.cli.main import main\nmain(['--help'])\n"
             "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    imported = set(done.stdout.strip().splitlines()[-1].split(","))

    assert imported & HEAVY == set()


def test_every_command_group_has_help() -> None:
    from mktctl.cli.main import main

    for group in (["init"], ["validate"], ["plan"], ["apply"], ["schema"], ["steps"], ["confirm"], ["sandbox"]):
        assert main([*group, "--help"]) == 0
