"""mktctl: roll out FxiaoKe 营销通 and platforms like it as code.

The command line is a thin layer over this library. What a Python user may import is listed in
``__all__`` and documented, with an example each, in docs/library.md::

    import mktctl

    playbook, warnings = mktctl.load_playbook(Path("acme"))
    with mktctl.open_session(Path("acme")) as session:       # the embedded sandbox tenant by default
        summary = session.plan.summary()                     # what apply would change, as text
        mktctl.execute(session)

Names are imported when first used, so ``import mktctl`` stays cheap and importing the sandbox alone
(``mktctl.sandbox``) pulls in nothing of the client side.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # playbooks
    "load_playbook": "mktctl.playbook.load",
    "write_starter": "mktctl.playbook.starter",
    "templates": "mktctl.playbook.starter",
    "Playbook": "mktctl.kinds.base",
    "Resource": "mktctl.kinds.base",
    # plan and apply
    "open_session": "mktctl.engine.session",
    "execute": "mktctl.engine.session",
    "Session": "mktctl.engine.session",
    "Plan": "mktctl.engine.plan",
    "save_plan": "mktctl.engine.planfile",
    "load_plan": "mktctl.engine.planfile",
    "manual_steps": "mktctl.engine.steps",
    "confirm_steps": "mktctl.engine.steps",
    # lead imports
    "check_file": "mktctl.leads.check",
    "CheckOptions": "mktctl.leads.check",
    "import_leads": "mktctl.leads.importer",
    "ImportOptions": "mktctl.leads.importer",
    "CleaningRules": "mktctl.leads.rules",
    "cleaning_rules": "mktctl.kinds.imports",
    # the playbook's marketing logic, executed
    "run_playbook_tests": "mktctl.rules.testing",
    "compile_rules": "mktctl.rules.compile",
    # tenants
    "resolve_tenant": "mktctl.tenant.settings",
    "open_tenant": "mktctl.tenant.connect",
    "Tenant": "mktctl.tenant.connect",
    "TenantSettings": "mktctl.tenant.settings",
    # the sandbox
    "serve_sandbox": "mktctl.sandbox.server",
    "EmbeddedSandbox": "mktctl.sandbox.embedded",
    # errors
    "MktctlError": "mktctl.errors",
    "PlaybookError": "mktctl.errors",
    "TenantError": "mktctl.errors",
    "DataFileError": "mktctl.errors",
}
# public name -> its name in the defining module, where the two differ
_RENAMED = {"resolve_tenant": "resolve", "serve_sandbox": "serve_in_thread"}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mktctl' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
