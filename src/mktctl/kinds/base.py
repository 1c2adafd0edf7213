"""What a kind is: a section of a playbook, its pydantic model, its natural key, what it depends on, and
how it reaches a tenant.

A kind reaches a tenant in up to two parts:

* the **api** part: fields the public FxiaoKe open API can set (departments, users, roles...). The kind
  implements :meth:`Kind.observe`, :meth:`Kind.create`, :meth:`Kind.update` and :meth:`Kind.delete`.
* the **settings** part: every other field. A tenant with mktctl's extension API (the default sandbox)
  keeps them as a setting of this kind under the natural key; against a real tenant, or the sandbox with
  ``--api public``, they become a manual step with a menu path, the values to enter and how to verify.
  A kind whose settings are definitions the platform makes in its admin console (a tenant's custom fields,
  its custom objects) reads and writes them where the extension API defines them instead, through
  :meth:`Kind.read_settings`, :meth:`Kind.write_setting` and :meth:`Kind.remove_setting`.

Kinds are stateless singletons; the engine passes everything they need. What the deliverables need beyond
that (acceptance tests, labels, a tree or a matrix layout) a kind declares through optional hooks whose
defaults ask nothing, so the writers never test a kind's name.

A loaded :class:`Playbook` is a list of :class:`Resource` (a kind, a natural key, a validated spec and where
it was written); they live here because a resource and its kind refer to each other. The playbook loader
builds them; this package never imports the loader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from mktctl.base.language import Phrase, is_chinese
from mktctl.kinds.wording import CONSULTANT, PLAIN, Words

if TYPE_CHECKING:
    from mktctl.base.yamlload import Document
    from mktctl.errors import Mark
    from mktctl.tenant.connect import Tenant
    from mktctl.tenant.extension import Setting

Path_ = tuple[str | int, ...]
__all__ = ["CONSULTANT", "Finding", "Index", "Kind", "ManualStep", "Matrix", "Observed", "Origin", "Playbook",
           "Reference", "Resource", "Spec", "Words", "field_description"]


class Spec(BaseModel):
    """Base of every kind's model: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, use_enum_values=True)

    descriptions_zh: ClassVar[Mapping[str, str]] = {}
    """What each field means, in Chinese, by field name: the ``description`` of the field as the client's
    admin reads it in a Chinese workbook. A model with described fields sets it below its fields, one entry
    per field with a description (a test holds every kind's models to it)."""


def field_description(model: type[BaseModel], name: str, lang: str) -> str:
    """What field ``name`` of ``model`` means, in ``lang``: its ``description`` in English, the model's
    :attr:`Spec.descriptions_zh` entry in Chinese ("" for a field without a description)."""
    info = model.model_fields.get(name)
    english = info.description if info is not None and info.description else ""
    if not is_chinese(lang):
        return english
    chinese: Mapping[str, str] = getattr(model, "descriptions_zh", {})
    return chinese.get(name, english)


@dataclass(frozen=True)
class Reference:
    """A value of one resource that names another resource by its natural key."""

    path: Path_
    kind: str
    key: str


@dataclass(frozen=True)
class Finding:
    """A check's result: an error, or a lint warning (``--strict`` makes warnings errors)."""

    path: Path_
    message: str
    severity: str = "error"


@dataclass(frozen=True)
class Observed:
    """A resource as the tenant has it: its id and its comparable state (references as natural keys)."""

    id: str
    state: dict[str, Any]


@dataclass(frozen=True)
class ManualStep:
    """What a person does where no API can: where to click, what to enter, how to check it worked, and who
    does it; all in the language of the :class:`Words` it was made with."""

    menu_path: str
    values: list[tuple[str, str]]
    verify: str
    qr_url: str | None = None
    who: str = "consultant"


@dataclass
class Index:
    """Natural key <-> remote id of every resource observed so far, by kind."""

    ids: dict[str, dict[str, str]] = field(default_factory=dict)

    def id_of(self, kind: str, key: str) -> str | None:
        return self.ids.get(kind, {}).get(key)

    def key_of(self, kind: str, remote_id: str) -> str | None:
        for key, value in self.ids.get(kind, {}).items():
            if value == remote_id:
                return key
        return None

    def remember(self, kind: str, key: str, remote_id: str) -> None:
        self.ids.setdefault(kind, {})[key] = remote_id

    def forget(self, kind: str, key: str) -> None:
        self.ids.get(kind, {}).pop(key, None)


class ExpandError(Exception):
    """An item a kind cannot turn into resources (a department tree with a bad branch), at ``path``."""

    def __init__(self, path: Path_, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


class JobFailed(Exception):
    """A job kind (an import) did not finish: some of its work failed or it stopped; a rerun continues."""


@dataclass(frozen=True)
class Matrix:
    """A field that workbooks and reports show as a grid: a row per code of ``rows``, a column per item,
    each cell listing the codes of ``values`` chosen (a role's permissions: modules × roles, cells of actions).
    """

    field: str  # a ``dict[str, list[str]]`` field of the kind's model
    rows: Mapping[str, str]  # row code -> the platform's label, in display order
    values: Mapping[str, str]  # value code -> the platform's label
    footer: str | None = None  # a field shown under the grid, one value per item (a role's data scope)


S = TypeVar("S", bound=Spec)


class Kind(Generic[S]):
    """A section of a playbook: what one kind of resource is, and how it reaches a tenant.

    Generic over its spec: ``class Departments(Kind[Department])`` receives ``Department`` specs in every
    method, so a kind never has to check what it was given. Code that holds kinds of every sort uses
    ``Kind[Any]``.
    """

    name: ClassVar[str]
    title: ClassVar[str]  # the platform's own words, e.g. "部门" (in English from mktctl.kinds.english)
    summary: ClassVar[str]  # one line in English
    guide: ClassVar[str]  # the section of the implementation guide, e.g. "2.1.1" (a heading of kinds/guide.py)
    also_in: ClassVar[tuple[str, ...]] = ()  # further sections some of its items belong to (see section_of)
    model: type[S]  # set on the class, e.g. ``model = Department``
    key_field: ClassVar[str] = "name"
    depends_on: ClassVar[tuple[str, ...]] = ()
    singleton: ClassVar[bool] = False  # the section is one mapping, not a list
    api_fields: ClassVar[frozenset[str]] = frozenset()
    menu_path: ClassVar[str] = ""
    manual_who: ClassVar[Phrase] = CONSULTANT  # who does its manual step
    pii_fields: ClassVar[frozenset[str]] = frozenset()  # masked in plans and never kept in the ledger
    # fields that carry a credential (an authorisation link and its code): a tenant export never writes
    # their value, only a reference to it (``${env:NAME}``)
    secret_fields: ClassVar[frozenset[str]] = frozenset()
    job: ClassVar[bool] = False  # a job (an import) runs once per digest instead of keeping a state
    # keys the tenant always has (全公司, CRM管理员): a playbook refers to them without declaring them
    builtin_keys: ClassVar[tuple[str, ...]] = ()
    # for workbooks and reports: the platform's words for picklist values (field -> value -> label)
    labels: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    tree_parent: ClassVar[str | None] = None  # the field naming an item's parent: workbooks indent by depth
    matrix: ClassVar[Matrix | None] = None  # a field shown as a grid on a sheet of its own
    # its behaviour is run by the rules engine, so `mktctl test` proves its acceptance tests (the checklist)
    rules_tested: ClassVar[bool] = False

    # ---- playbook side ----------------------------------------------------------------------------

    def expand(self, item: Any, path: Path_) -> Iterator[tuple[Any, Path_, dict[str, Any]]]:
        """Turn one playbook item into resources: (raw data, its path, derived fields). Default: itself."""
        yield item, path, {}

    def key(self, spec: S) -> str:
        return str(getattr(spec, self.key_field))

    @property
    def sections(self) -> tuple[str, ...]:
        """Every guide section the kind's items are configured under: ``guide``, then ``also_in``."""
        return (self.guide, *self.also_in)

    def section_of(self, spec: S) -> str:
        """The guide section one item is configured under. Default: the kind's."""
        return self.guide

    def references(self, spec: S) -> Iterable[Reference]:
        return ()

    def check(self, resource: Resource[S], playbook: Playbook) -> Iterable[Finding]:
        return ()

    def check_all(self, resources: list[Resource[S]], playbook: Playbook) -> Iterable[tuple[Resource[Any], Finding]]:
        """Checks across every resource of this kind (cycles, duplicates of secondary keys...)."""
        return ()

    def order(self, resources: list[Resource[S]]) -> list[Resource[S]]:
        """The order in which resources of this kind are created (deleted in reverse)."""
        return resources

    def example(self) -> Any:
        """One example item, for the reference docs and ``mktctl schema``."""
        return None

    def extend_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The JSON Schema of one item, from the model; a kind whose items are written differently (a tree
        written with ``children:``) may say so here."""
        return schema

    # ---- api part -----------------------------------------------------------------------------------

    @property
    def has_api(self) -> bool:
        return bool(self.api_fields)

    def api_state(self, spec: S) -> dict[str, Any]:
        dumped = spec.model_dump(mode="json")
        return {name: dumped.get(name) for name in sorted(self.api_fields)}

    def observe(self, tenant: Tenant, index: Index) -> dict[str, Observed]:
        raise NotImplementedError

    def create(self, tenant: Tenant, spec: S, index: Index) -> str:
        raise NotImplementedError

    def update(self, tenant: Tenant, remote_id: str, spec: S, changed: set[str], index: Index) -> None:
        raise NotImplementedError

    def delete(self, tenant: Tenant, remote_id: str, index: Index) -> None:
        raise NotImplementedError

    # ---- jobs -------------------------------------------------------------------------------------------

    def job_digest(self, spec: S, playbook: Playbook) -> str:
        """What the job's result depends on (its spec, files under ``playbook.root``, other sections of the
        playbook); the job runs again when it changes."""
        raise NotImplementedError

    def run(self, tenant: Tenant, spec: S, playbook: Playbook, *,
            on_estimate: Callable[[Any], None] | None = None) -> dict[str, int]:
        """Do the job; return its counts. Raise JobFailed when it did not finish. A job that can tell how long
        it takes before it starts (an import into a tenant with a rate limit) gives ``on_estimate`` its
        estimate."""
        raise NotImplementedError

    # ---- settings part ------------------------------------------------------------------------------

    def settings_state(self, spec: S) -> dict[str, Any] | None:
        """The fields only the extension API (or a person) can set; None when there are none."""
        dumped = spec.model_dump(mode="json")
        state = {k: v for k, v in dumped.items() if k not in self.api_fields and k != self.key_field}
        if self.has_api and not state:
            return None
        return state

    def read_settings(self, tenant: Tenant) -> dict[str, Setting]:
        """What the tenant's extension API has of this kind, by natural key, in the shape of
        :meth:`settings_state`. Default: the extension's store of settings (``/settings/<kind>/list``)."""
        from mktctl.tenant.extension import list_settings

        return list_settings(tenant, self.name)

    def write_setting(self, tenant: Tenant, key: str, state: dict[str, Any]) -> str:
        """Make the tenant have ``state`` under ``key`` (create or replace); return its id."""
        from mktctl.tenant.extension import upsert_setting

        return upsert_setting(tenant, self.name, key, state)

    def remove_setting(self, tenant: Tenant, key: str) -> None:
        from mktctl.tenant.extension import delete_setting

        delete_setting(tenant, self.name, key)

    def compared(self, key: str, desired: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
        """``desired`` (the settings state of ``key``) as a plan compares it with what the tenant has
        (``observed``): a value the playbook
        leaves to the tenant (a standard field's options when it declares none) takes the tenant's value.
        Default: as declared."""
        return desired

    def manual_step(self, key: str, state: dict[str, Any], words: Words = PLAIN) -> ManualStep:
        """How a person sets ``state`` by hand, said with ``words`` (the client's language, and how values
        show in the platform). Kinds with a better instruction override this."""
        where = words.where(self.menu_path or f"营销通 > 设置 > {self.title}")
        return ManualStep(menu_path=where, values=words.values(self.model, state),
                          verify=words.say(_SHOWS_VALUES, title=words.word(self.title), key=words.quote(key)),
                          who=words.say(self.manual_who))

    # ---- deliverables --------------------------------------------------------------------------------

    def shown_key(self, key: str, words: Words = PLAIN) -> str:
        """An item's natural key as a client reads it in the deliverables (an employee by name, a field by its
        label). Default: the key itself, or a name the platform has built in said in the language."""
        return words.name(key)

    def acceptance_tests(self, spec: S, key: str, words: Words = PLAIN) -> list[tuple[str, str]]:
        """What to test once the resource is configured (the checklist's 3.1 system tests), and who tests it,
        said with ``words``."""
        return []

    def playbook_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """A tenant's values of one item as a playbook writes them: what the tenant reports and a playbook
        leaves implied (the root department as parent) is left out."""
        return values


_SHOWS_VALUES = Phrase("{title}{key}显示上表中的值", "the {title} {key} shows these values")


# ---- a loaded playbook: its resources, each with the kind that understands it ---------------------------


@dataclass(frozen=True)
class Origin:
    """Where a resource's values came from: one or more (document, path) pairs, the first wins."""

    sources: tuple[tuple[Document, Path_], ...]

    def mark(self, sub: Path_ = (), *, key: bool = False) -> Mark:
        for document, base in self.sources:
            path = (*base, *sub)
            table = document.key_marks if key else document.marks
            if path in table:
                return table[path]
        document, base = self.sources[0]
        return document.mark((*base, *sub), key=key)


@dataclass
class Resource(Generic[S]):
    """One thing a playbook declares: its kind, natural key, validated spec and where it was written."""

    kind: Kind[S]
    key: str
    spec: S
    origin: Origin
    renamed_from: str | None = None  # the key this resource had before; the tenant's item is renamed, not recreated

    @property
    def address(self) -> str:
        return f"{self.kind.name}/{self.key}"

    def mark(self, sub: Path_ = (), *, key: bool = False) -> Mark:
        return self.origin.mark(sub, key=key)


@dataclass
class Playbook:
    """A loaded playbook: its settings and its resources, in the order they were declared."""

    root: Path
    name: str
    language: str
    resources: list[Resource[Any]]
    variables: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    env: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # every value that came from a secret reference -> that reference (``${env:NAME}``)
    secrets: dict[str, str] = field(default_factory=dict, repr=False)

    def of(self, kind: str) -> list[Resource[Any]]:
        return [r for r in self.resources if r.kind.name == kind]

    def find(self, kind: str, key: str) -> Resource[Any] | None:
        for resource in self.resources:
            if resource.kind.name == kind and resource.key == key:
                return resource
        return None

    def kinds(self) -> list[str]:
        seen: list[str] = []
        for resource in self.resources:
            if resource.kind.name not in seen:
                seen.append(resource.kind.name)
        return seen

    def digest(self) -> str:
        """The digest of every resource's values, a value from a secret counting as its reference."""
        from mktctl.base.digest import digest
        from mktctl.secrets import mark_references

        return digest(mark_references([[r.kind.name, r.key, r.spec.model_dump(mode="json")] for r in self.resources],
                                      self.secrets))

    def state_digest(self, state: Any) -> str:
        """The digest of values to apply, as the ledger and plans keep it: a value that came from a secret
        counts as the reference it came from (``${env:NAME}``), so a committed ledger confirms no guess of a
        secret, and a change of the reference still changes the digest."""
        from mktctl.base.digest import digest
        from mktctl.secrets import mark_references

        return digest(mark_references(state, self.secrets))

    def digest_matches(self, recorded: str, state: Any) -> bool:
        """Whether a digest the ledger recorded is the digest of ``state``: as :meth:`state_digest` computes
        it, or as mktctl computed it before secrets were kept out of digests (a ledger written then)."""
        from mktctl.base.digest import digest

        if recorded == self.state_digest(state):
            return True
        return bool(self.secrets) and recorded == digest(state)
