"""The ground floor: what several packages share and nothing of mktctl's own domain.

Atomic writes and synced appends (:mod:`~mktctl.base.files`), the run lock (:mod:`~mktctl.base.lock`),
who and when (:mod:`~mktctl.base.clock`), stable digests (:mod:`~mktctl.base.digest`), did-you-mean
(:mod:`~mktctl.base.suggest`) and YAML with a position for every value (:mod:`~mktctl.base.yamlload`).
Modules here import only the standard library, third-party packages and :mod:`mktctl.errors`.
"""
