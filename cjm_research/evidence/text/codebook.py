"""The codebook: what each interview code means on the journey, in English and Indonesian.

A codebook is a YAML file versioned with the study::

    name: Retail journey codebook
    version: 1
    codes:
      - id: payment_failed
        label: {en: Payment failed, id: Pembayaran gagal}
        kind: pain_point              # pain_point, gain or topic
        stage: decision               # optional when the touchpoint names it
        touchpoint: payment           # optional
        description: The payment did not go through.
        keywords: [payment failed, declined, gagal bayar, transaksi gagal]
        examples:
          - My card was declined twice at checkout.
          - Pembayaran saya gagal terus padahal saldo cukup.

A ``pain_point`` code fills the excerpt's ``pain_point`` column with its id, a ``gain`` code the
``gain`` column, and every code its ``stage`` and ``touchpoint``. Stage and touchpoint names are
checked against a journey framework, so a typo is a :class:`ConfigError` naming the file and key.
The same codebook goes to and comes from QDA tools as a REFI-QDA ``.qdc`` file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from ...core.errors import ConfigError, ParameterError, preview
from ...core.yamlio import check_keys, read_yaml, require

KINDS = ("pain_point", "gain", "topic")
CODE_KEYS = ("id", "label", "kind", "stage", "touchpoint", "description", "keywords", "examples",
             "color")
ID_RE = re.compile(r"^[A-Za-z0-9][\w.\-]*$")


@dataclass(frozen=True)
class Code:
    """One code: its meaning on the journey and the words that point to it."""

    id: str
    label: dict[str, str]
    kind: str = "topic"
    stage: str | None = None
    touchpoint: str | None = None
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    color: str | None = None

    @property
    def pain_point(self) -> str | None:
        """The pain point this code stands for (its id), or None for gains and topics."""
        return self.id if self.kind == "pain_point" else None

    @property
    def gain(self) -> str | None:
        """The gain this code stands for (its id), or None."""
        return self.id if self.kind == "gain" else None

    def to_dict(self) -> dict:
        """The code as it is written in the YAML file (empty fields left out)."""
        out = {"id": self.id, "label": dict(self.label), "kind": self.kind, "stage": self.stage,
               "touchpoint": self.touchpoint, "description": self.description,
               "keywords": list(self.keywords), "examples": list(self.examples), "color": self.color}
        return {k: v for k, v in out.items() if v not in (None, "", [])}


@dataclass
class Codebook:
    """Codes with bilingual labels, their stage, touchpoint, pain point or gain, and examples.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> book = cjm.Codebook.example()
    >>> book.code("payment_failed").stage, book.code("payment_failed").label["id"]
    ('decision', 'Pembayaran gagal')
    >>> len(book) > 5
    True
    """

    codes: list[Code]
    name: str = "codebook"
    version: int | str | None = None
    path: Path | None = None
    framework: object | None = field(default=None, repr=False)
    framework_ref: str | None = None   # the file's ``framework:`` value, written back by to_yaml

    # ----------------------------------------------------------------- reading and writing
    @classmethod
    def example(cls, framework=None) -> "Codebook":
        """A small customer-journey codebook (retail, default framework) to start from."""
        ref = resources.files("cjm_research.evidence.text") / "resources" / "codebook_example.yml"
        with resources.as_file(ref) as path:
            return cls.from_yaml(path, framework=framework or "default")

    @classmethod
    def from_yaml(cls, path, *, framework=None) -> "Codebook":
        """Read a codebook YAML; with a framework, check its stages and touchpoints.

        ``framework`` is a :class:`~cjm_research.core.framework.JourneyFramework`, a built-in name
        or a path; without it the file's own ``framework:`` key is used (a name, or a path
        relative to the codebook), and when neither is given the names are not checked.
        """
        path = Path(path)
        data = read_yaml(path)
        check_keys(data, ["name", "version", "framework", "codes"], path, "(top level)")
        raw = require(data, "codes", path, kind=list)
        codes = [cls._parse_code(item, i, path) for i, item in enumerate(raw)]
        ref = None if data.get("framework") is None else str(data["framework"])
        book = cls(codes, name=str(data.get("name", path.stem)), version=data.get("version"), path=path,
                   framework_ref=ref)
        book.check_unique()
        fw = framework if framework is not None else ref
        if fw is not None:
            book = book.validate(_load_framework(fw, path))
        return book

    @staticmethod
    def _parse_code(item, i: int, path: Path) -> Code:
        if not isinstance(item, dict) or "id" not in item:
            raise ConfigError(f"{path}: key 'codes[{i}]' must be a mapping with an 'id'.")
        cid = str(item["id"]).strip()
        ctx = f"codes[{i}] ({cid})"
        check_keys(item, CODE_KEYS, path, ctx)
        if not ID_RE.match(cid):
            raise ConfigError(f"{path}: key '{ctx}.id' must be a word without spaces "
                              f"(letters, digits, _ . -), got {cid!r}.")
        kind = str(item.get("kind", "topic"))
        if kind not in KINDS:
            raise ConfigError(f"{path}: key '{ctx}.kind' must be one of {list(KINDS)}, got {kind!r}.")
        return Code(id=cid, label=_label(item.get("label"), cid, path, ctx), kind=kind,
                    stage=_opt(item.get("stage")), touchpoint=_opt(item.get("touchpoint")),
                    description=str(item.get("description") or ""),
                    keywords=_texts(item.get("keywords"), path, f"{ctx}.keywords"),
                    examples=_texts(item.get("examples"), path, f"{ctx}.examples"),
                    color=_opt(item.get("color")))

    def to_yaml(self, path) -> Path:
        """Write the codebook as YAML (the format :meth:`from_yaml` reads)."""
        path = Path(path)
        data = {"name": self.name, "version": self.version, "framework": self._framework_for(path),
                "codes": [c.to_dict() for c in self.codes]}
        data = {k: v for k, v in data.items() if v is not None}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                        encoding="utf-8")
        return path

    def _framework_for(self, path: Path) -> str | None:
        """The ``framework:`` value that points at the same framework from a file at ``path``."""
        from ...core.framework import BUILTIN

        ref = self.framework_ref
        fw_path = getattr(self.framework, "path", None)
        if ref is None and fw_path is not None:
            builtin = Path(fw_path).parent.name == "frameworks" and Path(fw_path).stem in BUILTIN
            ref = Path(fw_path).stem if builtin else str(fw_path)
        if ref is None or ref in BUILTIN or Path(ref).is_absolute():
            return ref
        source = (self.path.parent if self.path is not None else Path.cwd()) / ref
        return ref if source.resolve().parent == path.resolve().parent else str(source.resolve())

    @classmethod
    def from_qdc(cls, path, *, framework=None) -> "Codebook":
        """Read a REFI-QDA codebook (``.qdc``) exported by NVivo, ATLAS.ti, MAXQDA or QualCoder.

        Codes written by :meth:`to_qdc` come back whole; codes of other tools become topics named
        after the code (their description as the English description), to be given a stage and
        kind in the YAML.
        """
        from ...io.qdpx import read_qdc

        codes = [_code_from_record(rec, i, path) for i, rec in enumerate(read_qdc(path))]
        book = cls(codes, name=Path(path).stem, path=Path(path))
        book.check_unique()
        return book.validate(_load_framework(framework, Path(path))) if framework is not None else book

    def to_qdc(self, path) -> Path:
        """Write the codebook as a REFI-QDA ``.qdc`` file (what QDA tools import)."""
        from ...io.qdpx import write_qdc

        return write_qdc([c.to_dict() for c in self.codes], path, origin=f"cjm-research: {self.name}")

    # ----------------------------------------------------------------- checks and lookups
    def check_unique(self) -> None:
        """Raise a :class:`ConfigError` when two codes share an id."""
        seen: dict[str, int] = {}
        for i, code in enumerate(self.codes):
            if code.id in seen:
                raise ConfigError(f"{self._where()}: key 'codes[{i}].id': code {code.id!r} is listed "
                                  f"twice (also codes[{seen[code.id]}]).")
            seen[code.id] = i

    def validate(self, framework) -> "Codebook":
        """Check every stage and touchpoint against ``framework``; fill a code's stage from its
        touchpoint. Returns the checked codebook (bound to the framework)."""
        fw = _load_framework(framework, self.path)
        checked = []
        for i, code in enumerate(self.codes):
            ctx = f"codes[{i}] ({code.id})"
            stage = code.stage
            if code.touchpoint is not None:
                if code.touchpoint not in fw.touchpoints:
                    raise ConfigError(f"{self._where()}: key '{ctx}.touchpoint': unknown touchpoint "
                                      f"{code.touchpoint!r}; the framework {fw.name!r} has "
                                      f"{preview(fw.touchpoints, limit=12)}.")
                tp_stage = fw.touchpoint(code.touchpoint).stage
                if stage is not None and stage != tp_stage:
                    raise ConfigError(f"{self._where()}: key '{ctx}.stage' is {stage!r}, but touchpoint "
                                      f"{code.touchpoint!r} belongs to stage {tp_stage!r}.")
                stage = tp_stage
            if stage is not None and stage not in fw.stages:
                raise ConfigError(f"{self._where()}: key '{ctx}.stage': unknown stage {stage!r}; "
                                  f"expected one of {fw.stages}.")
            checked.append(replace(code, stage=stage))
        return Codebook(checked, name=self.name, version=self.version, path=self.path, framework=fw,
                        framework_ref=self.framework_ref)

    def _where(self) -> str:
        return str(self.path) if self.path is not None else f"codebook {self.name!r}"

    @property
    def ids(self) -> list[str]:
        """Code ids in file order."""
        return [c.id for c in self.codes]

    def code(self, code_id: str) -> Code:
        """The :class:`Code` with this id (a :class:`ParameterError` lists the ids otherwise)."""
        for c in self.codes:
            if c.id == code_id:
                return c
        ids = self.ids if len(self.ids) <= 12 else f"[{preview(self.ids, limit=12)}]"
        raise ParameterError(f"The value for `code` must be one of {ids}, but {code_id!r} was passed.")

    def label(self, code_id: str, language: str = "en") -> str:
        """The label of a code in ``language`` (en or id)."""
        return self.code(code_id).label.get(language) or code_id

    def code_map(self) -> dict[str, dict]:
        """Code id and each label -> its excerpt fields (stage, touchpoint, pain_point, gain).

        This is what :func:`cjm_research.io.read_qdpx` takes to turn a QDA tool's codes back into
        excerpt columns.
        """
        out = {}
        for c in self.codes:
            fields = {"code": c.id, "stage": c.stage, "touchpoint": c.touchpoint,
                      "pain_point": c.pain_point, "gain": c.gain}
            for name in (c.id, *c.label.values()):
                out.setdefault(name, fields)
        return out

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        return iter(self.codes)


def _opt(value) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _label(raw, fallback: str, path, ctx) -> dict[str, str]:
    if raw is None:
        text = fallback.replace("_", " ").capitalize()
        return {"en": text, "id": text}
    if isinstance(raw, str):
        return {"en": raw, "id": raw}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: key '{ctx}.label' must be text or a mapping {{en: ..., id: ...}}.")
    en = str(raw.get("en") or raw.get("id") or fallback)
    return {"en": en, "id": str(raw.get("id") or en)}


def _texts(raw, path, key) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, dict):  # examples grouped by language: {en: [...], id: [...]}
        raw = [t for values in raw.values() for t in (values if isinstance(values, list) else [values])]
    if not isinstance(raw, list) or not all(isinstance(t, (str, int, float)) for t in raw):
        raise ConfigError(f"{path}: key '{key}' must be a list of texts.")
    return tuple(str(t).strip() for t in raw if str(t).strip())


def _load_framework(fw, path):
    from ...core.framework import BUILTIN, JourneyFramework

    if isinstance(fw, JourneyFramework):
        return fw
    if isinstance(fw, (str, Path)):
        if str(fw) in BUILTIN:
            return JourneyFramework.load(str(fw))
        where = Path(fw) if path is None or Path(fw).is_absolute() else Path(path).parent / fw
        return JourneyFramework.load(where)
    raise ParameterError(f"`framework` must be a JourneyFramework, a built-in name or a path, "
                         f"but a {type(fw).__name__} was passed.")


def _code_from_record(rec: dict, i: int, path) -> Code:
    """A code from a .qdc record: cjm fields when this package wrote it, a topic otherwise."""
    meta = rec.get("cjm") or {}
    name = str(rec.get("name") or f"code_{i + 1}")
    cid = str(meta.get("id") or re.sub(r"[^\w.\-]+", "_", name.strip()).strip("_") or f"code_{i + 1}")
    kind = meta.get("kind", "topic")
    if kind not in KINDS:
        raise ConfigError(f"{path}: code {name!r} has kind {kind!r}; expected one of {list(KINDS)}.")
    label = meta.get("label") or {"en": name, "id": name}
    return Code(id=cid, label=_label(label, cid, path, f"Code {name!r}"), kind=kind,
                stage=_opt(meta.get("stage")), touchpoint=_opt(meta.get("touchpoint")),
                description=str(meta.get("description", rec.get("description") or "")),
                keywords=_texts(meta.get("keywords"), path, f"Code {name!r} keywords"),
                examples=_texts(meta.get("examples"), path, f"Code {name!r} examples"),
                color=_opt(rec.get("color")))
