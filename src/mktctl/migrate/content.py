"""Content: the old system's articles, files, images, posters and email templates, inventoried, and uploaded
to the content centre where the platform can take them.

Each row of the content file is one item (its ``file`` a path inside the export folder). What happens:

| type | uploaded when | otherwise |
| --- | --- | --- |
| ``article`` | its file is HTML, Markdown or text (links rewritten), or it has a ``url`` | manual |
| ``file`` | a type the content centre takes (pdf, doc(x), ppt(x), xls(x), mp4, zip, jpg, png), at most 4 MB | manual |
| ``image``, ``poster`` | jpg, jpeg, png or gif, at most 4 MB | manual |
| ``email_template`` | an HTML file: variables translated, links rewritten (:mod:`mktctl.migrate.templates`) | manual |
| anything else (``landing_page``, ``form``, ``video`` ...) | never: rebuilt on the platform (微页面, 表单) | manual |

An uploaded item is ``migrated`` (and listed as a manual step too when a variable or a link could not be
translated); ``skipped`` items are manual steps, each with what to do; a missing file is ``rejected``; an
id seen before is a ``duplicate``. Rewritten templates and articles are also saved in ``RESULTS/content/``.
On a tenant without mktctl's extension API every item is a manual step, with the rewritten file to upload.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktctl.base.inputs import read_bounded
from mktctl.migrate.templates import Rewritten, rewrite

if TYPE_CHECKING:
    from mktctl.migrate.exports import EntityTable
    from mktctl.migrate.mapfile import MigrationMap
    from mktctl.tenant.connect import Tenant

MAX_FILE = 4 * 1024 * 1024
TEXT_SUFFIXES = (".html", ".htm", ".md", ".txt")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")
CONTENT_MENU = "营销通 > 内容中心"
TEMPLATE_MENU = "营销通 > 邮件营销 > 邮件模板"
TYPE_WORDS = {
    "article": ("article", "blog", "blog post", "post", "文章", "资讯"),
    "file": ("file", "document", "pdf", "whitepaper", "ebook", "文件", "资料", "文档"),
    "image": ("image", "picture", "photo", "图片"),
    "poster": ("poster", "海报"),
    "email_template": ("email_template", "email", "email template", "template", "邮件模板", "邮件"),
    "landing_page": ("landing_page", "landing page", "page", "落地页", "微页面"),
    "form": ("form", "表单"),
}
MANUAL_WHAT = {"landing_page": "rebuild it as a 微页面 (营销通 > 微页面) and add its URL to the map's links",
               "form": "rebuild it as a form (营销通 > 表单) and point the pages that used it at the new one"}
_SLUG = re.compile(r"[^\w\-]+")


@dataclass
class ContentRun:
    rows: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)  # the items for the tenant
    manual: list[dict[str, str]] = field(default_factory=list)
    rewritten_files: list[Path] = field(default_factory=list)


def content_type(text: str, mapping: MigrationMap) -> str:
    from mktctl.migrate.values import fold

    word = fold(text)
    entry = {fold(k): v for k, v in mapping.table("content_types").items()}.get(word)
    if entry:
        word = fold(entry)
    for kind, words in TYPE_WORDS.items():
        if word in words:
            return kind
    return word or "other"


def _read_text(path: Path) -> str:
    raw = read_bounded(path, what="content file", limit=MAX_FILE)
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def build(table: EntityTable, folder: Path, mapping: MigrationMap, out_dir: Path, *, extension: bool,
          dry_run: bool) -> ContentRun:
    from mktctl.kinds.content import FILE_TYPES

    run = ContentRun()
    seen: dict[str, int] = {}
    root = folder.resolve()
    columns = zip(table.rows, table.column("content_id").str.strip(), table.column("type"), table.column("title"),
                  table.column("file").str.strip(), table.column("url").str.strip(), table.column("category"),
                  table.column("subject"), table.column("summary"), strict=True)
    for row, content_id, type_text, title, file_name, url, category, subject, summary in columns:
        kind = content_type(type_text, mapping)
        key = content_id or _SLUG.sub("-", str(title).strip()).strip("-")[:80]
        entry: dict[str, Any] = {"source_row": row, "status": "migrated", "reason": "", "target": key, "detail": "",
                                 "content_id": content_id, "type": kind, "title": title, "file": file_name,
                                 "action": "", "links_rewritten": "", "variables_translated": "", "unresolved": ""}
        run.rows.append(entry)
        path = (root / file_name).resolve() if file_name else None
        if not key:
            _set(entry, "rejected", "no_id", "neither an id nor a title")
            continue
        if key in seen:
            _set(entry, "duplicate", "duplicate", f"the same id as row {seen[key]}")
            continue
        seen[key] = row
        if path is not None and (not path.is_relative_to(root) or not path.is_file()):
            _set(entry, "rejected", "file_missing", f"{file_name} is not a file of the export folder")
            continue
        item, why = _item(kind, key, title, path, url, FILE_TYPES)
        if item is None:
            _set(entry, "skipped", "manual", why)
            run.manual.append({"entity": "content", "where": CONTENT_MENU, "step": f"{title} ({kind}): {why}"})
            continue
        rewritten = None
        if kind in ("email_template", "article") and path is not None:
            rewritten = rewrite(_read_text(path), links=mapping.links, hosts=mapping.preset.hosts,
                                variables=kind == "email_template")
            item["body"] = rewritten.text
            _describe(entry, rewritten)
            if not dry_run:
                run.rewritten_files.append(_save(out_dir, key, path.suffix or ".html", rewritten.text))
        item.update({k: v for k, v in (("category", category), ("subject", subject), ("summary", summary))
                     if str(v).strip()})
        if not extension:
            where = TEMPLATE_MENU if kind == "email_template" else CONTENT_MENU
            saved = file_name or url
            if rewritten is not None and path is not None:
                saved = f"content/{_file_name(key, path.suffix)}"
            _set(entry, "skipped", "manual_upload", f"upload {saved} in {where}")
            run.manual.append({"entity": "content", "where": where, "step": f"upload {title} ({kind}): {saved}"})
            continue
        entry["action"] = "uploaded"
        run.uploads.append(item)
        if rewritten is not None and rewritten.unresolved:
            run.manual.append({"entity": "content", "where": TEMPLATE_MENU if kind == "email_template" else
                               CONTENT_MENU, "step": f"{title}: check {', '.join(rewritten.unresolved[:5])}"})
    return run


def _item(kind: str, key: str, title: str, path: Path | None, url: str,
          file_types: tuple[str, ...]) -> tuple[dict[str, Any] | None, str]:
    """The upload of one item, or None and what a person does instead."""
    base: dict[str, Any] = {"key": key, "type": kind, "title": str(title).strip() or key}
    suffix = path.suffix.lower() if path is not None else ""
    if kind in MANUAL_WHAT:
        return None, MANUAL_WHAT[kind]
    if kind not in ("article", "file", "image", "poster", "email_template"):
        return None, f"the content centre has no type {kind!r}: decide where it goes, then add it by hand"
    if path is None:
        if kind == "article" and url:
            return {**base, "url": url}, ""
        return None, "no file: add it by hand"
    too_large = f"larger than {MAX_FILE // (1024 * 1024)} MB: upload it in the console"
    if kind in ("article", "email_template"):
        if suffix not in TEXT_SUFFIXES or (kind == "email_template" and suffix not in (".html", ".htm")):
            return None, f"a {suffix or 'file'} cannot be an {kind}: rebuild it in the editor"
        return (None, too_large) if path.stat().st_size > MAX_FILE else (base, "")  # its text is read whole
    allowed = IMAGE_SUFFIXES if kind in ("image", "poster") else file_types
    if suffix not in allowed:
        return None, f"the content centre does not take {suffix or 'this file'} as a {kind}"
    if path.stat().st_size > MAX_FILE:
        return None, too_large
    data = read_bounded(path, what="content file", limit=MAX_FILE)
    return {**base, "file_name": path.name, "data": base64.b64encode(data).decode("ascii")}, ""


def _set(entry: dict[str, Any], status: str, reason: str, detail: str) -> None:
    entry.update(status=status, reason=reason, detail=detail, action=detail if status == "skipped" else "")


def _describe(entry: dict[str, Any], rewritten: Rewritten) -> None:
    entry["links_rewritten"] = str(len(rewritten.links))
    entry["variables_translated"] = ";".join(f"{{{k}}}×{v}" for k, v in rewritten.variables.items())
    entry["unresolved"] = ";".join(rewritten.unresolved)


def _file_name(key: str, suffix: str) -> str:
    return _SLUG.sub("-", key).strip("-") + (suffix or ".html")


def _save(out_dir: Path, key: str, suffix: str, text: str) -> Path:
    from mktctl.leads.private import private_dir, private_file

    folder = private_dir(out_dir / "content")
    path = private_file(folder / _file_name(key, suffix))
    path.write_text(text, encoding="utf-8")
    return path


def upload(tenant: Tenant, items: list[dict[str, Any]]) -> dict[str, str]:
    """Upsert the items, a few at a time; key -> error of the items the tenant refused."""
    from mktctl import errors as e
    from mktctl.tenant.connect import EXTENSION_PREFIX

    failed: dict[str, str] = {}
    batch: list[dict[str, Any]] = []
    size = 0

    def send() -> None:
        try:
            tenant.client.call(f"{EXTENSION_PREFIX}/content/upsert", {"data": {"items": batch}})
        except e.MktctlError as failure:
            if isinstance(failure, (e.TenantUnreachable, e.AuthError, e.QuotaExhausted)):
                raise
            failed.update({item["key"]: str(failure) for item in batch})

    for item in items:
        weight = len(item.get("data") or "") + len(item.get("body") or "")
        if batch and (len(batch) >= 20 or size + weight > 6 * 1024 * 1024):
            send()
            batch, size = [], 0
        batch.append(item)
        size += weight
    if batch:
        send()
    return failed
