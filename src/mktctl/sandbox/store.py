"""The sandbox tenant's SQLite store: corps and their credentials, tokens, the address book, CRM records,
extension settings and the extension API's records (consent, members, content). Every table is keyed by
``corp_id``, so two corps never see each other's data.

One connection, serialised by a lock: the sandbox is a single-tenant-per-laptop emulator, and SQLite
in WAL mode with one writer is both simple and fast enough for the benchmarks in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mktctl.base.files import make_folders
from mktctl.base.inputs import regular_file
from mktctl.errors import DataFileError
from mktctl.sandbox import views

SCHEMA_VERSION = 2  # 2: custom objects and fields, sent messages, address-book views

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS corps (
    corp_id TEXT PRIMARY KEY,
    ea TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    app_id TEXT NOT NULL UNIQUE,
    app_secret TEXT NOT NULL,
    permanent_code TEXT NOT NULL,
    admin_open_user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    corp_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_corp ON tokens (corp_id, issued_at);
CREATE TABLE IF NOT EXISTS departments (
    corp_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    parent_id INTEGER,
    is_stop INTEGER NOT NULL DEFAULT 0,
    ord INTEGER NOT NULL DEFAULT 0,
    principal_id TEXT,
    PRIMARY KEY (corp_id, id)
);
CREATE TABLE IF NOT EXISTS users (
    corp_id TEXT NOT NULL,
    open_user_id TEXT NOT NULL,
    employee_id INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (corp_id, open_user_id)
);
CREATE TABLE IF NOT EXISTS roles (
    corp_id TEXT NOT NULL,
    role_code TEXT NOT NULL,
    role_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    role_type INTEGER NOT NULL DEFAULT 2,
    PRIMARY KEY (corp_id, role_code)
);
CREATE TABLE IF NOT EXISTS user_roles (
    corp_id TEXT NOT NULL,
    open_user_id TEXT NOT NULL,
    role_code TEXT NOT NULL,
    major INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (corp_id, open_user_id, role_code)
);
CREATE TABLE IF NOT EXISTS records (
    corp_id TEXT NOT NULL,
    api_name TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    life_status TEXT NOT NULL DEFAULT 'normal',
    create_time INTEGER NOT NULL,
    last_modified_time INTEGER NOT NULL,
    PRIMARY KEY (corp_id, api_name, id)
);
CREATE INDEX IF NOT EXISTS records_mobile ON records (corp_id, api_name, json_extract(data, '$.mobile'));
CREATE INDEX IF NOT EXISTS records_email ON records (corp_id, api_name, json_extract(data, '$.email'));
CREATE TABLE IF NOT EXISTS ext_settings (
    corp_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    id TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (corp_id, kind, key)
);
CREATE TABLE IF NOT EXISTS counters (corp_id TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (corp_id, name));
CREATE TABLE IF NOT EXISTS custom_objects (
    corp_id TEXT NOT NULL,
    api_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (corp_id, api_name)
);
CREATE TABLE IF NOT EXISTS custom_fields (
    corp_id TEXT NOT NULL,
    object_api_name TEXT NOT NULL,
    api_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (corp_id, object_api_name, api_name)
);
CREATE TABLE IF NOT EXISTS messages (
    corp_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    sender TEXT,
    to_users TEXT NOT NULL,
    msg_type TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (corp_id, id)
);
CREATE TABLE IF NOT EXISTS ext_records (
    corp_id TEXT NOT NULL,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (corp_id, collection, key)
);
"""

# What SQLite's query planner is told of the records table whatever its size (rows; rows per corp; per
# corp and object; per value of the last column): a lookup by mobile or email (``IN`` up to 100 values)
# finds a record or two per value. Without it, the planner read every record of the object to avoid
# sorting a handful (an import's matching query took 30 ms at 7,000 leads, and grew with the table).
PLANNER_STATS = (
    ("sqlite_autoindex_records_1", "100000 100000 20000 1"),
    ("records_mobile", "100000 100000 20000 2"),
    ("records_email", "100000 100000 20000 2"),
)

DEFAULT_CORP_NAME = "示例科技有限公司"
WHOLE_COMPANY_DEPARTMENT = 999999

Clock = Callable[[], float]
T = TypeVar("T")


@dataclass(frozen=True)
class Corp:
    corp_id: str
    ea: str
    name: str
    app_id: str
    app_secret: str
    permanent_code: str
    admin_open_user_id: str


_SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


def _not_sandbox_data(path: str, why: str) -> DataFileError:
    return DataFileError(f"{path}: not a sandbox data file ({why})", file=path,
                         hint="give the sandbox's own data file (.mktctl/sandbox.db), or a new file name to start "
                              "an empty sandbox")


def _check_data_file(path: Path) -> None:
    """A data file that exists is a regular file (never a device, a FIFO or a folder), empty (a new sandbox) or
    a SQLite database: anything else is refused before SQLite opens it."""
    if not path.exists() and not path.is_symlink():
        return
    if regular_file(path, what="sandbox data file") == 0:
        return
    with path.open("rb") as stream:
        header = stream.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise _not_sandbox_data(str(path), "it is not a SQLite database")


class Store:
    """The sandbox's data. Thread-safe: every transaction runs under one lock."""

    def __init__(self, path: Path | str, *, clock: Clock = time.time) -> None:
        self.path = str(path)
        self.clock = clock
        if self.path != ":memory:":
            _check_data_file(Path(self.path))
            make_folders(Path(self.path).parent)
            # the tenant's data (imported leads) is personal data: owner-only from the start; SQLite gives
            # the -wal and -shm files the database file's mode
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self._lock = threading.RLock()
        self._grouped = False  # inside grouped(): each transaction is a savepoint of the group's
        self._memo: dict[tuple[Any, ...], Any] | None = None  # what remembered() keeps for the open group
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            self._open()
        except sqlite3.DatabaseError as exc:  # damaged past its header, or another program's tables
            self._db.close()
            raise _not_sandbox_data(self.path, f"SQLite says: {exc}") from None

    def _open(self) -> None:
        self._db.row_factory = sqlite3.Row
        if self.path != ":memory:":
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and "meta" not in tables:
                names = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
                raise _not_sandbox_data(self.path, f"a SQLite database of other tables ({names}); left as it is")
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is not None and int(row["value"]) < SCHEMA_VERSION:
                with self.transaction() as db:  # a file of an older sandbox: build what it lacks
                    for corp_id in [r["corp_id"] for r in db.execute("SELECT corp_id FROM corps")]:
                        views.rebuild(db, corp_id, self.now_ms())
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                             (str(SCHEMA_VERSION),))
            _steer_planner(self._db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One call's changes, all or nothing. Inside :meth:`grouped`, a savepoint: undone alone when the
        call fails, committed with the group."""
        with self._lock:
            if self._grouped:
                self._db.execute("SAVEPOINT call")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK TO call")
                    self._db.execute("RELEASE call")
                    raise
                self._db.execute("RELEASE call")
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def grouped(self) -> Iterator[None]:
        """Several calls' transactions committed as one (a group commit): each still all or nothing (a
        savepoint), the group's commit written once. Whoever answers the calls answers them after the
        block: a change is never answered before it is committed."""
        with self._lock:
            if self._grouped:
                yield
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._grouped, self._memo = True, {}
            try:
                yield
            except BaseException:
                self._grouped, self._memo = False, None
                self._db.execute("ROLLBACK")
                raise
            self._grouped, self._memo = False, None
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def remembered(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept for the rest of the open group (:meth:`grouped`; outside one, computed each
        time). Within a group no other connection writes (it holds the write lock); whoever runs the
        group's calls calls :meth:`forget` before a call that may change what is kept (the front door:
        before any call but CRM data, which changes records only)."""
        memo = self._memo
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]  # type: ignore[no-any-return]

    def forget(self) -> None:
        """Drop what :meth:`remembered` keeps for the open group."""
        if self._memo:
            self._memo = {}

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    # ---- corps -------------------------------------------------------------------------------------

    def create_corp(self, name: str = DEFAULT_CORP_NAME, *, ea: str | None = None) -> Corp:
        corp = Corp(
            corp_id="FSCID_" + secrets.token_hex(16).upper(),
            ea=ea or f"sandbox{secrets.randbelow(10**6):06d}",
            name=name,
            app_id="FSAID_" + secrets.token_hex(4),
            app_secret=secrets.token_hex(16),
            permanent_code=secrets.token_hex(16).upper(),
            admin_open_user_id="FSUID_" + secrets.token_hex(16).upper(),
        )
        with self.transaction() as db:
            db.execute(
                "INSERT INTO corps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (corp.corp_id, corp.ea, corp.name, corp.app_id, corp.app_secret, corp.permanent_code,
                 corp.admin_open_user_id, self.now_ms()),
            )
            db.execute(
                "INSERT INTO departments (corp_id, id, name, parent_id) VALUES (?, ?, ?, NULL)",
                (corp.corp_id, WHOLE_COMPANY_DEPARTMENT, "全公司"),
            )
            admin = {"name": "系统管理员", "account": "admin", "mainDepartmentId": WHOLE_COMPANY_DEPARTMENT,
                     "departmentIds": [WHOLE_COMPANY_DEPARTMENT], "isStop": False,
                     "createTime": self.now_ms(), "updateTime": self.now_ms()}
            db.execute(
                "INSERT INTO users (corp_id, open_user_id, employee_id, data) VALUES (?, ?, 1000, ?)",
                (corp.corp_id, corp.admin_open_user_id, json.dumps(admin, ensure_ascii=False)),
            )
            db.execute(
                "INSERT INTO roles VALUES (?, ?, ?, ?, 1)",
                (corp.corp_id, "00000000000000000000000000000006", "CRM管理员", "系统预置角色"),
            )
            db.execute(
                "INSERT INTO user_roles VALUES (?, ?, ?, 1)",
                (corp.corp_id, corp.admin_open_user_id, "00000000000000000000000000000006"),
            )
            views.rebuild(db, corp.corp_id, self.now_ms())
        return corp

    def corps(self) -> list[Corp]:
        with self.reading() as db:
            rows = db.execute("SELECT * FROM corps ORDER BY created_at, corp_id").fetchall()
        return [_corp(row) for row in rows]

    def default_corp(self) -> Corp:
        """The first corp, created on first use: the one `mktctl sandbox credentials` shows."""
        corps = self.corps()
        return corps[0] if corps else self.create_corp()

    def corp_by_id(self, corp_id: str) -> Corp | None:
        with self.reading() as db:
            row = db.execute("SELECT * FROM corps WHERE corp_id = ?", (corp_id,)).fetchone()
        return _corp(row) if row else None

    def token_holder(self, token: str, open_user_id: str | None) -> tuple[Corp, int, str | None] | None:
        """:meth:`corp_by_token` and, in the same query, the stored data of the corp's employee
        ``open_user_id`` (None when there is no such employee, or none was asked for)."""
        with self.reading() as db:
            row = db.execute("SELECT tokens.expires_at, users.data AS user_data, corps.* FROM tokens"
                             " JOIN corps USING (corp_id) LEFT JOIN users ON users.corp_id = tokens.corp_id"
                             " AND users.open_user_id = ? WHERE tokens.token = ?", (open_user_id, token)).fetchone()
        return (_corp(row), int(row["expires_at"]), row["user_data"]) if row else None

    def corp_by_app_id(self, app_id: str) -> Corp | None:
        with self.reading() as db:
            row = db.execute("SELECT * FROM corps WHERE app_id = ?", (app_id,)).fetchone()
        return _corp(row) if row else None

    def corp_by_ea(self, ea: str) -> Corp | None:
        with self.reading() as db:
            row = db.execute("SELECT * FROM corps WHERE ea = ?", (ea,)).fetchone()
        return _corp(row) if row else None

    def reset(self) -> None:
        """Remove every corp's data; the next use creates a fresh default corp with new credentials."""
        with self.transaction() as db:
            for table in ("corps", "tokens", "departments", "users", "roles", "user_roles", "records",
                          "ext_settings", "counters", "custom_objects", "custom_fields", "messages",
                          "ext_records"):
                db.execute(f"DELETE FROM {table}")

    # ---- counters ----------------------------------------------------------------------------------

    def next_value(self, db: sqlite3.Connection, corp_id: str, name: str, start: int) -> int:
        """The next value of a per-corp counter; call inside a transaction."""
        # one statement; the upsert changes the row in place (a replace rewrote its index page too)
        row = db.execute("INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT (corp_id, name) DO UPDATE SET "
                         "value = value + 1 RETURNING value", (corp_id, name, start + 1)).fetchone()
        return int(row["value"])


def _steer_planner(db: sqlite3.Connection) -> None:
    """Give the query planner :data:`PLANNER_STATS` for the records table (written once; an ``ANALYZE``
    replaces them with measured ones until the next open)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
        db.execute("ANALYZE meta")  # creates the statistics table (meta has a row: its own statistics)
    stored = {(r[0], r[1]) for r in db.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'records'")}
    if stored == set(PLANNER_STATS):
        return
    db.execute("BEGIN IMMEDIATE")
    db.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'records'")
    db.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('records', ?, ?)", PLANNER_STATS)
    db.execute("COMMIT")
    db.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again


def _corp(row: sqlite3.Row) -> Corp:
    return Corp(
        corp_id=row["corp_id"], ea=row["ea"], name=row["name"], app_id=row["app_id"],
        app_secret=row["app_secret"], permanent_code=row["permanent_code"],
        admin_open_user_id=row["admin_open_user_id"],
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def first_corp_id(path: Path | str) -> str | None:
    """The id of the corp :meth:`Store.default_corp` gives, read without opening a store (which would create
    the file and its tables): None when there is no file or no corp in it yet."""
    file = Path(path)
    if not file.is_file():
        return None
    try:
        db = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT corp_id FROM corps ORDER BY created_at, corp_id LIMIT 1").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None
