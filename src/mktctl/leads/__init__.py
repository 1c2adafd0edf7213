"""History leads (guide 2.3): read, map, normalise, clean, dedupe, import, link. See docs/leads.md.

Public entry points (import them from their modules; this package imports nothing heavy by itself):

* ``mktctl.leads.check``: ``check_file(path, CheckOptions, out_dir, progress=None, rules=NO_RULES) ->
  CheckResult`` and ``run_check(path, CheckOptions, work_dir, progress=None, rules=NO_RULES) -> CheckRun``
  (no result files); ``rules`` is a ``rules.CleaningRules`` (a playbook's ``lead_cleaning``), passed in by
  whoever runs the check; both results carry a ``summary.CheckSummary``, what ``summary.json`` holds;
* ``mktctl.leads.importer``: ``import_leads(tenant, path, ImportOptions, out_dir, progress=None,
  rules=NO_RULES, on_estimate=None) -> ImportResult``; the rows are matched and written as one pipeline
  (``writes.write_pipeline``, ``decide.decide_chunk``); ``on_estimate`` gets an ``eta.ImportEta`` (time at
  the tenant's rate limit, days of its daily quota) before the first write;
* ``mktctl.leads.link``: ``link_leads(tenant, LinkOptions, out_dir, progress=None) -> LinkResult`` and
  ``resolve_ambiguities(tenant, decisions_xlsx, out_dir, options=None, progress=None) -> LinkResult``;
* ``mktctl.leads.spec``: ``ImportSpec`` (the playbook's ``imports:`` entries) and
  ``run_import_spec(tenant, playbook_dir, spec, out_dir=None, progress=None, *, rules) -> ImportResult``;
* ``mktctl.leads.template``: ``write_template(path) -> Path``;
* ``mktctl.leads.purge``: ``purge(out_dir) -> PurgeResult``: remove the result files holding personal data.

The data steps are pure ``DataFrame -> DataFrame`` functions: ``normalise.normalise``, ``rules.reject``,
``dedupe.find_duplicates`` / ``dedupe.merge_survivors``, ``link.decide``; reading is ``read.open_source``,
the result files ``results.write_all(summary, spill, out_dir)`` from what the check returned and the rows
it left (``spill``) (mode 0600, formula-safe: ``private``). Workbooks are checked by
``guard.check_workbook`` before they are parsed. Progress is reported through ``progress.Progress`` hooks.
"""
