"""The ready playbooks (src/mktctl/playbooks/*/ with a mktctl.yaml), end to end with the real `mktctl`:
`init --template NAME`, `validate --strict` without a warning, `apply` to the embedded sandbox and nothing
left to plan; then against `--tenant sandbox-public` (the public API only): apply what that API can set,
`plan` exits 3 while only manual steps are pending, `steps` shows each one's menu path (in the playbook's
language), and confirming
every step leaves nothing to do. Plus: the fragment copies in each playbook are identical to the shared
fragments, the flagship uses every kind, and the README documents every playbook and fragment.

Confirming ~180 manual steps one `mktctl confirm` at a time is most of this file's time, so the four
rollouts run concurrently (one thread each, running its commands in order in its own folder), and the
commands keep compiled bytecode in the test's own folder (PYTHONPYCACHEPREFIX) even where the environment
says PYTHONDONTWRITEBYTECODE: otherwise every one of them compiles mktctl again."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from importlib import resources
from pathlib import Path

import pytest

from mktctl.base.language import bracketed
from mktctl.base.yamlload import load_yaml_file
from mktctl.deliver.step_text import labels, pending_text, status_text
from mktctl.engine.plan import Manual
from mktctl.kinds.registry import KINDS
from mktctl.playbook.load import load_playbook
from mktctl.playbook.starter import templates
from tests.conftest import Run, RunMktctl

PLAYBOOKS = Path(str(resources.files("mktctl") / "playbooks"))
FRAGMENTS = PLAYBOOKS / "fragments"
READY = ("standard", "flagship", "overseas-ads", "wecom-private-domain")
PUBLIC = ("--tenant", "sandbox-public")


def ok(run: Run, code: int = 0) -> Run:
    assert run.code == code, f"mktctl {' '.join(run.args)} exited {run.code}, not {code}:\n{run.output}"
    return run


def pending_steps(mktctl: RunMktctl, folder: Path) -> list[dict[str, object]]:
    steps: list[dict[str, object]] = json.loads(ok(mktctl(*PUBLIC, "steps", "--output", "json", cwd=folder)).stdout)
    return steps


def roll_out(mktctl: RunMktctl, name: str, root: Path) -> dict[str, int]:
    """The whole rollout of one ready playbook; an AssertionError names the command that went wrong."""
    folder = root / "sandbox"
    ok(mktctl("init", "--template", name, str(folder)))
    validated = ok(mktctl("validate", "--strict", cwd=folder))
    assert "0 warning(s)" in validated.stdout, validated.output
    applied = ok(mktctl("apply", "--yes", cwd=folder))
    assert "Apply complete:" in applied.stdout, applied.output
    again = ok(mktctl("plan", "--detailed-exitcode", cwd=folder))
    assert "0 to create, 0 to update, 0 to delete, 0 manual steps pending" in again.stdout, again.output

    # A fresh folder: both profiles keep their sandbox in the folder's .mktctl/, and this one starts empty.
    folder = root / "public"
    ok(mktctl("init", "--template", name, str(folder)))
    public = ok(mktctl(*PUBLIC, "apply", "--yes", cwd=folder))  # what the public API can set
    assert re.search(r"Apply complete: [1-9]\d* created", public.stdout), public.output
    manual = ok(mktctl(*PUBLIC, "plan", "--detailed-exitcode", cwd=folder), 3)
    assert re.search(r"0 to create, 0 to update, 0 to delete, \d+ manual steps pending", manual.stdout), manual.output
    table = ok(mktctl(*PUBLIC, "steps", cwd=folder)).stdout.splitlines()
    steps = pending_steps(mktctl, folder)
    lang = load_playbook(folder)[0].language  # the steps speak the playbook's language
    words = labels(lang)
    assert steps and pending_text(len(steps), lang) in table
    for step in steps:
        assert f"! {step['step']}  {bracketed(status_text(Manual(**step), lang), str(step['who']), lang)}" in table
        assert " > " in str(step["menu_path"]) and f"    {words.where}{words.colon}{step['menu_path']}" in table

    first = ok(mktctl(*PUBLIC, "confirm", str(steps[0]["step"]), "--by", "实施顾问", cwd=folder))
    assert f"confirmed {steps[0]['step']} by 实施顾问" in first.stdout
    rest = ok(mktctl(*PUBLIC, "confirm", "--all-pending", "--by", "实施顾问", cwd=folder))
    assert rest.stdout.count("✓ confirmed") == len(steps) - 1
    assert pending_steps(mktctl, folder) == []
    done = ok(mktctl(*PUBLIC, "plan", "--detailed-exitcode", cwd=folder))
    assert "0 manual steps pending" in done.stdout, done.output
    return {"manual steps": len(steps)}


@pytest.mark.e2e
@pytest.mark.slow
def test_every_ready_playbook_applies_and_its_manual_steps_can_all_be_confirmed(tmp_path, mktctl) -> None:
    cached = partial(mktctl, env={"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")})
    with ThreadPoolExecutor(max_workers=len(READY)) as pool:
        futures = {name: pool.submit(roll_out, cached, name, tmp_path / name) for name in READY}
    failures = {name: future.exception() for name, future in futures.items() if future.exception() is not None}

    assert not failures, "\n\n".join(f"{name}: {error}" for name, error in failures.items())
    counts = {name: future.result()["manual steps"] for name, future in futures.items()}
    assert counts["flagship"] > max(counts[name] for name in READY if name != "flagship")


# ---- the folder itself ------------------------------------------------------------------------------------


def test_init_offers_exactly_the_ready_playbooks() -> None:
    assert sorted(templates()) == sorted(READY)  # fragments/ and README.md are not templates


@pytest.mark.parametrize("name", READY)
def test_fragment_copies_are_identical_to_the_shared_fragments(name) -> None:
    copies = sorted((PLAYBOOKS / name / "fragments").glob("*"))
    entry = (PLAYBOOKS / name / "mktctl.yaml").read_text(encoding="utf-8")
    comments = " ".join(line for line in entry.splitlines() if line.lstrip().startswith("#"))

    for copy in copies:
        source = FRAGMENTS / copy.name
        assert source.is_file(), f"{name}/fragments/{copy.name} is not a copy of a shared fragment"
        assert copy.read_bytes() == source.read_bytes(), (
            f"{name}/fragments/{copy.name} differs from fragments/{copy.name}: copy the fragment again "
            f"(cp src/mktctl/playbooks/fragments/{copy.name} src/mktctl/playbooks/{name}/fragments/)")
        assert f"- fragments/{copy.name}" in entry, f"{name}/fragments/{copy.name} is not included"
        assert copy.name in comments, f"{name}/mktctl.yaml: no comment names the shared fragment {copy.name}"


@pytest.mark.parametrize("name", READY)
def test_each_playbook_has_a_public_sandbox_and_a_production_profile_with_secrets_by_reference(name) -> None:
    profiles = load_yaml_file(PLAYBOOKS / name / "mktctl.tenants.yaml").data["tenants"]

    assert profiles["sandbox-public"] == {"sandbox": {"api": "public"}}
    production = profiles["production"]
    for secret in ("app_secret", "permanent_code"):
        assert re.fullmatch(r"\$\{env:[A-Z_]+\}", production[secret]), production[secret]


def test_the_flagship_uses_every_kind_and_every_fragment() -> None:
    playbook, warnings = load_playbook(PLAYBOOKS / "flagship", strict=True)

    assert warnings == []
    assert {k.name for k in KINDS} - {r.kind.name for r in playbook.resources} == set()
    shipped = {p.name for p in FRAGMENTS.glob("*.yaml")} - {"products-standard.yaml"}  # flagship: products-flagship
    assert {p.name for p in (PLAYBOOKS / "flagship" / "fragments").glob("*.yaml")} == shipped


def test_the_readme_documents_every_ready_playbook_and_fragment() -> None:
    readme = (PLAYBOOKS / "README.md").read_text(encoding="utf-8")

    for name in READY:
        assert f"mktctl init --template {name}" in readme, name
    for fragment in FRAGMENTS.glob("*.yaml"):
        assert f"`{fragment.name}`" in readme, fragment.name
