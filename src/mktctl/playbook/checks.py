"""Loading, phase 4: checks across resources. Duplicate keys, references to resources nothing declares
(with did-you-mean), and each kind's own checks of one resource and of all of its kind together."""

from __future__ import annotations

from typing import Any

from mktctl.base.suggest import did_you_mean
from mktctl.kinds.base import Finding, Kind, Playbook, Resource
from mktctl.playbook.problems import Problems


def check_playbook(playbook: Playbook, kinds: dict[str, Kind[Any]], problems: Problems) -> None:
    """Add every problem found across ``playbook``'s resources to ``problems``."""
    seen: dict[tuple[str, str], Resource] = {}
    for resource in playbook.resources:
        address = (resource.kind.name, resource.key)
        if address in seen:
            first = seen[address].mark()
            if resource.kind.singleton:
                problems.error(resource.mark(), f"{resource.kind.name} is declared twice (first at {first}); "
                                            "it is one mapping: declare it in one file")
            else:
                problems.error(resource.mark((resource.kind.key_field,)),
                           f"duplicate {resource.kind.name} {resource.key!r} (first declared at {first})")
            continue
        seen[address] = resource
    for resource in playbook.resources:
        for reference in resource.kind.references(resource.spec):
            if (reference.kind, reference.key) in seen:
                continue
            target = kinds[reference.kind]
            if reference.key in target.builtin_keys:
                continue
            options = [key for (kind, key) in seen if kind == reference.kind]
            hint = did_you_mean(reference.key, options)
            problems.error(resource.mark(reference.path),
                       f"{resource.kind.name} {resource.key!r} refers to unknown {reference.kind} "
                       f"{reference.key!r}" + (f"; {hint}" if hint else ""))
        for finding in resource.kind.check(resource, playbook):
            _add(problems, resource, finding)
    for kind in kinds.values():
        members = playbook.of(kind.name)
        if members:
            for resource, finding in kind.check_all(members, playbook):
                _add(problems, resource, finding)


def _add(problems: Problems, resource: Resource[Any], finding: Finding) -> None:
    problems.error(resource.mark(finding.path), finding.message, finding.severity)
