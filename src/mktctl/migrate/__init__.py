"""Replacement migration from a previous marketing system (guide 2.3, the third path): people, opt-outs,
tags, lifecycle stages, scores, behaviour history, members and content. See docs/migrate.md.

Entry point: ``mktctl.migrate.run.migrate(playbook_dir, MigrateOptions(...), tenant) -> MigrationResult``
(``tenant`` None for a dry run). The pieces, each usable on its own:

* :mod:`.mapfile` and :mod:`.presets`: the migration map (``load_map``, ``preset_map``) and the HubSpot,
  Marketo and generic presets;
* :mod:`.exports`: the export folder read (``find_files``, ``read_entity``), unknown columns reported;
* :mod:`.tables`: old values translated onto the playbook's tags, stages, tiers and behaviours;
* :mod:`.people`: people through the lead pipeline, matched by their old id on a rerun;
* :mod:`.consent`: opt-outs recorded before anyone is imported, and the check that nobody is reachable;
* :mod:`.scores`, :mod:`.history`, :mod:`.members`, :mod:`.content` (with :mod:`.templates`);
* :mod:`.results` and :mod:`.summary`: the result folder, the counts reconciled per entity.

The library never prints; progress goes through :class:`mktctl.leads.progress.Progress` hooks.
"""
