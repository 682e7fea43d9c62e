"""REFI-QDA exchange: projects (``.qdpx``) and codebooks (``.qdc``) of NVivo, ATLAS.ti, MAXQDA, QualCoder.

A ``.qdpx`` file is a zip holding ``project.qde`` (XML in the ``urn:QDA-XML:project:1.0``
namespace of the REFI-QDA 1.5 standard) and, under ``sources/``, the plain text of each document.
Coded passages are ``TextSource/PlainTextSelection`` elements with character offsets
(``startPosition``, ``endPosition``; 0-based, the end excluded, counted in characters, i.e. Unicode
code points: a tool that counts UTF-16 units would differ after an emoji) and ``Coding/CodeRef`` links to the
codes of ``CodeBook/Codes``; ``Cases`` group sources by participant.

How excerpt columns map to a project. Writing: every participant is a case and a text source (the
original transcript when ``sources`` gives it, else its excerpts one after another); every excerpt
is a selection named by its ``excerpt_id``; its ``stage``, ``touchpoint``, ``channel``,
``pain_point``, ``gain`` and ``emotion`` (and a coding session's ``code``) are codes under parent
codes of those names; ``language``
and ``emotion_score`` are ``key: value`` lines of the selection's description; ``customer_id`` is
a case variable. Reading does the reverse and also takes projects made elsewhere: codes under a
parent named like a column (``Pain points``, ``Stage``) fill that column, ``code_map`` maps other
code names to columns (:meth:`cjm_research.Codebook.code_map`), and every code name is kept in a
``codes`` column.

Validation. :func:`validate_qdpx` checks a project against the structure of the standard's
``Project.xsd`` (element order, required attributes, GUID, integer, boolean, colour and date-time
formats, unique GUIDs, references that resolve, offsets inside their text). The schema file itself
is not shipped (no package on PyPI carries it); pass ``xsd=`` (a path to ``Project.xsd``) to
validate against it with lxml as well. Projects this module writes (a test table, and a coding of
three of the real practitioner interviews with their whole transcripts as sources) were checked
that way against Project.xsd v1.0 of 18 March 2019, the schema of standard 1.5, with no error.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import pandas as pd
import yaml
from lxml import etree

from ..core.errors import DataError, ParameterError, preview
from .excerpts import EXCERPT_COLUMNS

NS = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
CODE_COLUMNS = ("stage", "touchpoint", "channel", "pain_point", "gain", "emotion")
DESCRIBED = ("language", "emotion_score")
MARKER = "[cjm-research]"
GUID_RE = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
RGB_RE = re.compile(r"^#(?:[A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
DATETIME_RE = re.compile(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
GUID_NAMESPACE = uuid.UUID("6f1c2d8e-5b0a-4e57-9a3c-2f7d1e4b8c90")  # stable GUIDs for the same content
# Parent-code spellings of other tools that still name an excerpt column (compared after _key)
PARENT_ALIASES = {"stage": "stage", "stages": "stage", "journeystage": "stage", "phase": "stage",
                  "touchpoint": "touchpoint", "touchpoints": "touchpoint", "channel": "channel",
                  "channels": "channel", "painpoint": "pain_point", "painpoints": "pain_point",
                  "pain": "pain_point", "pains": "pain_point", "gain": "gain", "gains": "gain",
                  "emotion": "emotion", "emotions": "emotion"}

# The part of Project.xsd (REFI-QDA 1.0 schema of standard 1.5) this module writes and reads:
# element -> (children in sequence order, required attributes). Sources is a choice (any order).
STRUCTURE = {
    "Project": (["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets",
                 "Graphs", "Description", "NoteRef"], ["name"]),
    "Users": (["User"], []), "User": ([], ["guid"]),
    "CodeBook": (["Codes", "Sets"], []), "Codes": (["Code"], []),
    "Code": (["Description", "NoteRef", "Code", "MemberCode"], ["guid", "name", "isCodable"]),
    "Variables": (["Variable"], []), "Variable": (["Description"], ["guid", "name", "typeOfVariable"]),
    "Cases": (["Case"], []),
    "Case": (["Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"], ["guid"]),
    "VariableValue": (["VariableRef", "TextValue", "BooleanValue", "IntegerValue", "FloatValue",
                       "DateValue", "DateTimeValue"], []),
    "TextSource": (["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef",
                    "VariableValue"], ["guid"]),
    "PlainTextSelection": (["Description", "Coding", "NoteRef"], ["guid", "startPosition", "endPosition"]),
    "Coding": (["CodeRef", "NoteRef"], ["guid"]),
    "CodeRef": ([], ["targetGUID"]), "SourceRef": ([], ["targetGUID"]),
    "SelectionRef": ([], ["targetGUID"]), "VariableRef": ([], ["targetGUID"]),
    "NoteRef": ([], ["targetGUID"]), "MemberCode": ([], ["guid"]),
}
NON_EMPTY = {"Users": "User", "Codes": "Code", "Cases": "Case", "Variables": "Variable"}
LEAVES = {"Description", "PlainTextContent", "TextValue", "BooleanValue", "IntegerValue",
          "FloatValue", "DateValue", "DateTimeValue"}
SOURCE_KINDS = {"TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource"}
VARIABLE_TYPES = {"Text", "Boolean", "Integer", "Float", "Date", "DateTime"}
GUID_ATTRS = {"guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID",
              "modifyingUserGUID"}


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def _guid(*parts) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def _key(name) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def _parse_xml(data: bytes, source) -> "etree.ElementBase":
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DataError(f"{source}: not well-formed XML ({exc}).") from None


# ============================================================================ codebooks (.qdc)

def write_qdc(codes: list[dict], path, *, origin: str = "cjm-research") -> Path:
    """Write codes (dicts with ``id``, ``label``, ``description``, ...) as a REFI-QDA ``.qdc`` file.

    Each code's name is its English label; its description holds the description followed by the
    full code as YAML after a ``[cjm-research]`` line, so :func:`read_qdc` gives back the same
    codes while other tools show the description as text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "book.qdc"
    >>> _ = write_qdc([{"id": "late", "label": {"en": "Late", "id": "Telat"}}], p)
    >>> read_qdc(p)[0]["cjm"]["label"]
    {'en': 'Late', 'id': 'Telat'}
    """
    path = Path(path)
    root = etree.Element(_q("CodeBook", NS_CODEBOOK), nsmap={None: NS_CODEBOOK}, origin=origin)
    parent = etree.SubElement(root, _q("Codes", NS_CODEBOOK))
    for code in codes:
        label = code.get("label") or {}
        name = label.get("en") if isinstance(label, dict) else label
        element = etree.SubElement(parent, _q("Code", NS_CODEBOOK), guid=_guid("code", code["id"]),
                                   name=str(name or code["id"]), isCodable="true")
        if code.get("color"):
            _check_color(code["color"], path, code["id"])
            element.set("color", code["color"])
        text = str(code.get("description") or "")
        meta = yaml.safe_dump(dict(code), allow_unicode=True, sort_keys=False, width=100)
        etree.SubElement(element, _q("Description", NS_CODEBOOK)).text = f"{text}\n{MARKER}\n{meta}".lstrip("\n")
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
    problems = validate_codebook(path.read_bytes())
    if problems:  # a bug here, not the user's: say what the standard would reject
        raise DataError(f"{path}: the written codebook breaks the REFI-QDA schema: {problems[0]}")
    return path


def read_qdc(path) -> list[dict]:
    """Codes of a REFI-QDA codebook (``.qdc``): dicts with ``name``, ``description``, ``color``,
    ``parent`` (the enclosing code's name) and ``cjm`` (the code written by :func:`write_qdc`,
    else an empty dict). Codes that only group others (``isCodable="false"``) are left out.

    Examples
    --------
    >>> read_qdc("exported_from_nvivo.qdc")[0]["name"]              # doctest: +SKIP
    'Late parcel'
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found.")
    root = _parse_xml(path.read_bytes(), path)
    if etree.QName(root).localname != "CodeBook":
        raise DataError(f"{path}: not a REFI-QDA codebook (the root element is "
                        f"{etree.QName(root).localname!r}, expected 'CodeBook').")
    problems = validate_codebook(etree.tostring(root))
    if problems:
        raise DataError(f"{path}: not a valid REFI-QDA codebook: {problems[0]}")
    return [rec for code in _children(root, "Codes") for rec in _code_records(code, None, path)]


def _children(element, name: str) -> list:
    return [c for el in element if etree.QName(el).localname == name for c in el
            if etree.QName(c).localname == "Code"]


def _code_records(element, parent, path) -> list[dict]:
    name = element.get("name")
    description = next((c.text or "" for c in element if etree.QName(c).localname == "Description"), "")
    text, meta = _split_description(description, path, name)
    out = []
    if element.get("isCodable", "true").lower() in ("true", "1"):
        out.append({"name": name, "description": text, "color": element.get("color"),
                    "parent": parent, "cjm": meta})
    for child in element:
        if etree.QName(child).localname == "Code":
            out += _code_records(child, name, path)
    return out


def _split_description(description: str, path, name) -> tuple[str, dict]:
    if MARKER not in description:
        return description.strip(), {}
    text, _, block = description.partition(MARKER)
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError:
        raise DataError(f"{path}: code {name!r}: the {MARKER} block of its description is not "
                        "valid YAML.") from None
    return text.strip(), meta if isinstance(meta, dict) else {}


def _check_color(color, path, code) -> None:
    if not RGB_RE.match(str(color)):
        raise DataError(f"{path}: code {code!r}: colour {color!r} is not #RRGGBB or #RGB.")


# ============================================================================ projects (.qdpx)

def write_qdpx(excerpts: pd.DataFrame, path, *, sources: dict | None = None, name: str | None = None,
               user: str = "cjm-research", created: str | None = None) -> Path:
    """Write coded excerpts as a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder.

    Parameters
    ----------
    excerpts : DataFrame
        Coded excerpts (``EXCERPT_COLUMNS``; at least ``participant`` and ``text``). Optional
        ``start`` and ``end`` columns give each excerpt's character offsets in its source.
    path : str or Path
        The ``.qdpx`` file to write.
    sources : dict, optional
        Participant -> the full transcript text. With ``start``/``end`` columns, excerpts are
        placed at their offsets in it (each must read the excerpt's text); without, they are
        found in it. Participants without a source get their excerpts one after another.
    name : str, optional
        Project name (default: the file name).
    user : str
        The user recorded as creator.
    created : str, optional
        ISO date-time of creation (default: now, UTC).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cjm_research.io import read_excerpts
    >>> ex = pd.DataFrame({"participant": ["P1"], "text": ["The parcel was late."],
    ...                    "pain_point": ["late_delivery"], "stage": ["retention"]})
    >>> p = write_qdpx(ex, pathlib.Path(tempfile.mkdtemp()) / "project.qdpx")
    >>> read_qdpx(p)[["participant", "stage", "pain_point", "text"]].iloc[0].tolist()
    ['P1', 'retention', 'late_delivery', 'The parcel was late.']
    """
    path = Path(path)
    frame = _check_excerpts(excerpts)
    created = created or datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    user_guid = _guid("user", user)
    root = etree.Element(_q("Project"), nsmap={None: NS}, name=name or path.stem,
                         origin="cjm-research", creatingUserGUID=user_guid, creationDateTime=created)
    users = etree.SubElement(root, _q("Users"))
    etree.SubElement(users, _q("User"), guid=user_guid, name=user)
    code_guids = _write_codebook(root, frame)
    variable = _guid("variable", "customer_id")
    if frame["customer_id"].notna().any():
        variables = etree.SubElement(root, _q("Variables"))
        etree.SubElement(variables, _q("Variable"), guid=variable, name="customer_id", typeOfVariable="Text")
    files = {}
    cases = etree.SubElement(root, _q("Cases"))
    source_parent = etree.SubElement(root, _q("Sources"))
    for participant, group in frame.groupby("participant", sort=False):
        text, spans = _source_text(group, (sources or {}).get(participant), participant)
        source_guid = _guid("source", participant)
        files[f"sources/{source_guid}.txt"] = text
        _write_case(cases, participant, group, source_guid, variable)
        source = etree.SubElement(source_parent, _q("TextSource"), guid=source_guid, name=str(participant),
                                  plainTextPath=f"internal://{source_guid}.txt", creatingUser=user_guid,
                                  creationDateTime=created)
        for (_, row), (start, end) in zip(group.iterrows(), spans):
            _write_selection(source, row, start, end, code_guids, user_guid, created)
    for container in (cases, source_parent):
        if not len(container):  # the schema wants at least one Case / source in these
            root.remove(container)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    problems = validate_project(xml, files)
    if problems:  # a bug here, not the user's: say what the standard would reject
        raise DataError(f"{path}: the written project breaks the REFI-QDA schema: {problems[0]}")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for member, text in files.items():
            z.writestr(member, text.encode("utf-8"))
    return path


def _check_excerpts(excerpts) -> pd.DataFrame:
    if not isinstance(excerpts, pd.DataFrame):
        raise ParameterError(f"`excerpts` must be a DataFrame of coded excerpts, but a "
                             f"{type(excerpts).__name__} was passed.")
    missing = [c for c in ("participant", "text") if c not in excerpts.columns]
    if missing:
        raise DataError(f"coded excerpts need column(s) {missing}; the frame has {list(excerpts.columns)}.")
    frame = excerpts.copy()
    for col in EXCERPT_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA
    empty = frame["participant"].isna() | frame["text"].isna()
    if empty.any():
        raise DataError(f"coded excerpts: {int(empty.sum())} row(s) without a participant or text "
                        f"(rows {preview(frame.index[empty].tolist())}); every excerpt needs both.")
    frame["participant"] = frame["participant"].astype(str)
    frame["excerpt_id"] = frame["excerpt_id"].astype("string").fillna(
        pd.Series([f"E{i + 1:04d}" for i in range(len(frame))], index=frame.index, dtype="string"))
    return frame


def _write_codebook(root, frame: pd.DataFrame) -> dict:
    book = etree.SubElement(root, _q("CodeBook"))
    codes = etree.SubElement(book, _q("Codes"))
    guids = {}
    for column in _coded_columns(frame.columns):
        values = list(dict.fromkeys(frame[column].dropna().astype(str)))
        if not values:
            continue
        parent = etree.SubElement(codes, _q("Code"), guid=_guid("code", column), name=column,
                                  isCodable="false")
        for value in values:
            guids[(column, value)] = _guid("code", column, value)
            etree.SubElement(parent, _q("Code"), guid=guids[(column, value)], name=value, isCodable="true")
    if not len(codes):
        root.remove(book)  # CodeBook needs at least one code
    return guids


def _coded_columns(names) -> list[str]:
    # A coding session's `code` column (topics included) goes out as codes under a "code" parent;
    # reading gives them back in `codes`, and through `code_map` in the excerpt columns.
    return [*CODE_COLUMNS, *(["code"] if "code" in names else [])]


def _write_case(cases, participant, group, source_guid, variable) -> None:
    case = etree.SubElement(cases, _q("Case"), guid=_guid("case", participant), name=str(participant))
    customer = group["customer_id"].dropna()
    if len(customer):
        value = etree.SubElement(case, _q("VariableValue"))
        etree.SubElement(value, _q("VariableRef"), targetGUID=variable)
        etree.SubElement(value, _q("TextValue")).text = str(customer.iloc[0])
    etree.SubElement(case, _q("SourceRef"), targetGUID=source_guid)


def _write_selection(source, row, start, end, code_guids, user_guid, created) -> None:
    selection = etree.SubElement(source, _q("PlainTextSelection"), guid=_guid("selection", row["excerpt_id"]),
                                 name=str(row["excerpt_id"]), startPosition=str(start), endPosition=str(end),
                                 creatingUser=user_guid, creationDateTime=created)
    lines = [f"{k}: {row[k]}" for k in DESCRIBED if pd.notna(row[k])]
    if lines:
        etree.SubElement(selection, _q("Description")).text = "\n".join(lines)
    for column in _coded_columns(row.index):
        if pd.notna(row[column]):
            coding = etree.SubElement(selection, _q("Coding"), guid=_guid("coding", row["excerpt_id"], column),
                                      creatingUser=user_guid, creationDateTime=created)
            etree.SubElement(coding, _q("CodeRef"), targetGUID=code_guids[(column, str(row[column]))])


def _source_text(group: pd.DataFrame, full: str | None, participant) -> tuple[str, list]:
    """The source text of one participant and each excerpt's (start, end) in it."""
    texts = group["text"].astype(str).tolist()
    if full is None:
        spans, pos = [], 0
        for t in texts:
            spans.append((pos, pos + len(t)))
            pos += len(t) + 2
        return "\n\n".join(texts), spans
    if {"start", "end"} <= set(group.columns) and group[["start", "end"]].notna().all().all():
        spans = [(int(s), int(e)) for s, e in zip(group["start"], group["end"])]
        bad = [i for i, ((s, e), t) in enumerate(zip(spans, texts)) if full[s:e] != t]
        if bad:
            raise DataError(f"participant {participant!r}: excerpt {group['excerpt_id'].iloc[bad[0]]!r} is "
                            f"not the text at its start/end offsets in the source given in `sources`.")
        return full, spans
    spans = []
    for eid, t in zip(group["excerpt_id"], texts):
        at = full.find(t)
        if at < 0:
            raise DataError(f"participant {participant!r}: excerpt {eid!r} does not occur in the "
                            "source text given in `sources`.")
        spans.append((at, at + len(t)))
    return full, spans


def read_qdpx(path, *, code_map: dict | None = None) -> pd.DataFrame:
    """Read the coded text of a REFI-QDA project (``.qdpx``) as coded excerpts.

    Parameters
    ----------
    path : str or Path
        A ``.qdpx`` exported by NVivo, ATLAS.ti, MAXQDA, QualCoder or :func:`write_qdpx`.
    code_map : dict, optional
        Code name -> excerpt fields (``stage``, ``touchpoint``, ``pain_point``, ``gain``) for codes
        that do not sit under a parent code named like a column, e.g.
        ``cjm.Codebook.from_yaml(...).code_map()``.

    Returns
    -------
    DataFrame
        ``EXCERPT_COLUMNS`` plus ``codes`` (every code name of the selection, ``"; "``-joined),
        ``source`` (document name), ``start`` and ``end`` (character offsets), one row per coded
        text selection. Selections of other media (PDF regions, audio) are not excerpts and are
        counted in ``attrs["reader_notes"]``.

    Examples
    --------
    >>> import cjm_research as cjm
    >>> excerpts = cjm.read_qdpx("coded.qdpx")                       # doctest: +SKIP
    """
    path = Path(path)
    xml, archive = _open_project(path)
    root = _parse_xml(xml, f"{path}: project.qde")
    problems = validate_project(xml, archive)
    if problems:
        raise DataError(f"{path}: not a valid REFI-QDA project: {problems[0]}"
                        + (f" (+{len(problems) - 1} more problems)" if len(problems) > 1 else ""))
    codes = _code_index(root)
    cases, customers = _case_index(root)
    rows, notes = [], []
    for source in root.iter(_q("TextSource")):
        text = _source_content(source, archive, path)
        participant = cases.get(source.get("guid"), source.get("name") or source.get("guid"))
        for sel in source.iter(_q("PlainTextSelection")):
            rows += _selection_rows(sel, text, source, participant, customers.get(participant), codes,
                                    code_map or {})
    other = sum(1 for kind in SOURCE_KINDS - {"TextSource"} for _ in root.iter(_q(kind)))
    if other:
        notes.append(f"left out {other} non-text source(s) (PDF, picture, audio or video)")
    frame = _excerpt_frame(rows)
    frame.attrs.update(source=str(path), reader="qdpx", reader_notes=notes)
    return frame


def _open_project(path: Path) -> tuple[bytes, dict]:
    if not path.exists():
        raise DataError(f"{path}: file not found.")
    if not zipfile.is_zipfile(path):
        raise DataError(f"{path}: not a REFI-QDA project (.qdpx is a zip file holding project.qde).")
    with zipfile.ZipFile(path) as z:
        names = {PurePosixPath(n).as_posix(): n for n in z.namelist()}
        qde = next((n for n in names if n.lower() == "project.qde"), None)
        if qde is None:
            raise DataError(f"{path}: the zip has no project.qde at its top level "
                            f"(it holds {preview(list(names), limit=4)}).")
        files = {n: z.read(names[n]).decode("utf-8-sig", errors="replace")
                 for n in names if n.lower().startswith("sources/") and n.lower().endswith(".txt")}
        return z.read(names[qde]), files


def _code_index(root) -> dict:
    """GUID -> (code name, the column its parent code names, or None)."""
    out = {}

    def walk(element, column):
        for code in element:
            if etree.QName(code).localname != "Code":
                continue
            name = code.get("name")
            out[code.get("guid")] = (name, column)
            walk(code, PARENT_ALIASES.get(_key(name), column))

    for codes in root.iter(_q("Codes")):
        walk(codes, None)
    return out


def _case_index(root) -> tuple[dict, dict]:
    """Source GUID -> case name, and case name -> customer id (a case variable)."""
    variables = {v.get("guid"): v.get("name") for v in root.iter(_q("Variable"))}
    by_source, customers = {}, {}
    for case in root.iter(_q("Case")):
        name = case.get("name") or case.get("guid")
        for ref in case.iter(_q("SourceRef")):
            by_source.setdefault(ref.get("targetGUID"), name)
        for value in case.iter(_q("VariableValue")):
            ref = value.find(_q("VariableRef"))
            if ref is not None and _key(variables.get(ref.get("targetGUID"), "")) in ("customerid", "customer"):
                text = next((v.text for v in value if etree.QName(v).localname.endswith("Value")), None)
                customers[name] = text
    return by_source, customers


def _source_content(source, archive: dict, path: Path) -> str:
    content = source.find(_q("PlainTextContent"))
    if content is not None:
        return content.text or ""
    ref = source.get("plainTextPath") or ""
    if ref.startswith("internal://"):
        member = "sources/" + ref[len("internal://"):]
        match = next((n for n in archive if n.lower() == member.lower()), None)
        if match is None:
            raise DataError(f"{path}: source {source.get('name')!r} points to {ref!r}, which is not in "
                            "the zip's sources/ folder.")
        return archive[match]
    raise DataError(f"{path}: source {source.get('name')!r} keeps its text outside the project "
                    f"({ref!r}); export the project with its sources embedded.")


def _selection_rows(sel, text, source, participant, customer, codes, code_map) -> list[dict]:
    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
    fields = {"excerpt_id": sel.get("name") or sel.get("guid"), "participant": participant,
              "customer_id": customer, "text": text[start:end], "source": source.get("name"),
              "start": start, "end": end}
    described = sel.find(_q("Description"))
    for line in (described.text or "").splitlines() if described is not None else []:
        key, _, value = line.partition(":")
        if key.strip() in DESCRIBED and value.strip():
            fields[key.strip()] = value.strip()
    names, pains = [], []
    for ref in sel.iter(_q("CodeRef")):
        name, column = codes[ref.get("targetGUID")]
        names.append(name)
        mapped = {column: name} if column else {k: v for k, v in (code_map.get(name) or {}).items()
                                               if k in CODE_COLUMNS and v is not None}
        for col, value in mapped.items():
            if col == "pain_point":
                pains.append(value)
            else:
                fields.setdefault(col, value)
    fields["codes"] = "; ".join(dict.fromkeys(names)) or None
    # One excerpt per pain point: the map counts pain points per excerpt.
    return [{**fields, "pain_point": p} for p in dict.fromkeys(pains)] or [fields]


def _excerpt_frame(rows: list[dict]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=[*EXCERPT_COLUMNS, "codes", "source", "start", "end"])
    out = pd.DataFrame(index=range(len(raw)))
    for col in [*EXCERPT_COLUMNS[:-1], "codes", "source"]:
        out[col] = raw[col].astype("string")
    out["emotion_score"] = pd.to_numeric(raw["emotion_score"], errors="coerce").astype("float64")
    out = out[[*EXCERPT_COLUMNS, "codes", "source"]]
    out["start"] = raw["start"].astype("Int64")
    out["end"] = raw["end"].astype("Int64")
    return out


# ============================================================================ validation

def validate_qdpx(path, *, xsd=None) -> list[str]:
    """Problems that make a ``.qdpx`` break the REFI-QDA project schema (empty when valid).

    Checks the structure of ``Project.xsd`` as written in the standard (see the module
    docstring); with ``xsd=`` (the standard's ``Project.xsd``) lxml validates against it too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ex = pd.DataFrame({"participant": ["P1"], "text": ["Fine."], "gain": ["easy"]})
    >>> validate_qdpx(write_qdpx(ex, pathlib.Path(tempfile.mkdtemp()) / "p.qdpx"))
    []
    """
    xml, archive = _open_project(Path(path))
    problems = validate_project(xml, archive)
    if xsd is not None:
        problems += _xsd_problems(xml, xsd)
    return problems


def _xsd_problems(xml: bytes, xsd) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = _parse_xml(xml, "project.qde")
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def validate_codebook(xml: bytes) -> list[str]:
    """Problems of a ``.qdc`` codebook against the REFI-QDA codebook schema (empty when valid).

    Examples
    --------
    >>> validate_codebook(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    ['Codes must hold at least one Code']
    """
    root = _parse_xml(xml, "codebook")
    if root.tag != _q("CodeBook", NS_CODEBOOK):
        return [f"the root element must be CodeBook in namespace {NS_CODEBOOK}, not {root.tag}"]
    problems: list[str] = []
    _check_element(root, problems, NS_CODEBOOK, {"CodeBook": (["Codes", "Sets"], []), **STRUCTURE})
    if root.find(_q("Codes", NS_CODEBOOK)) is None:
        problems.append("CodeBook must contain Codes")
    _check_guids(root, problems)
    return problems


def validate_project(xml: bytes, files: dict | None = None) -> list[str]:
    """Problems of a ``project.qde`` against the REFI-QDA project schema (empty when valid).

    ``files`` (zip member -> text) lets the check read internal sources and verify that every
    selection lies inside its text.

    Examples
    --------
    >>> validate_project(b'<Project xmlns="urn:QDA-XML:project:1.0"/>')
    ["Project lacks required attribute(s) ['name']"]
    """
    root = _parse_xml(xml, "project.qde")
    if root.tag != _q("Project"):
        return [f"the root element must be Project in namespace {NS}, not {root.tag}"]
    problems: list[str] = []
    _check_element(root, problems, NS, STRUCTURE)
    _check_guids(root, problems)
    kinds = {"CodeRef": "Code", "SourceRef": "source", "VariableRef": "Variable"}
    targets = {"Code": {c.get("guid") for c in root.iter(_q("Code"))},
               "source": {s.get("guid") for k in SOURCE_KINDS for s in root.iter(_q(k))},
               "Variable": {v.get("guid") for v in root.iter(_q("Variable"))}}
    for ref, kind in kinds.items():
        for el in root.iter(_q(ref)):
            if el.get("targetGUID") not in targets[kind]:
                problems.append(f"{ref} targetGUID {el.get('targetGUID')!r} names no {kind}")
    for coding in root.iter(_q("Coding")):
        if len(coding.findall(_q("CodeRef"))) != 1:
            problems.append(f"Coding {coding.get('guid')!r} must hold exactly one CodeRef")
    for source in root.iter(_q("TextSource")):
        _check_text_source(source, files, problems)
    return problems


def _check_element(element, problems: list, ns: str, structure: dict) -> None:
    name = etree.QName(element).localname
    if etree.QName(element).namespace != ns:
        problems.append(f"element {element.tag} is outside the namespace {ns}")
        return
    if name == "Sources":
        if not any(isinstance(c.tag, str) for c in element):
            problems.append("Sources must hold at least one source")
        for child in element:
            if etree.QName(child).localname not in SOURCE_KINDS:
                problems.append(f"Sources may only hold {sorted(SOURCE_KINDS)}, not {etree.QName(child).localname}")
            else:
                _check_element(child, problems, ns, structure)
        return
    if name in LEAVES or name not in structure:
        return  # text leaves, and parts of the schema this module neither writes nor reads
    order, required = structure[name]
    if name in NON_EMPTY and not any(isinstance(c.tag, str) for c in element):
        problems.append(f"{name} must hold at least one {NON_EMPTY[name]}")
    missing = [a for a in required if element.get(a) is None]
    if missing:
        problems.append(f"{name} {element.get('name') or element.get('guid') or ''} lacks required "
                        f"attribute(s) {missing}".replace("  ", " "))
    _check_attributes(element, name, problems)
    last = -1
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        cname = etree.QName(child).localname
        if cname not in order:
            problems.append(f"{name} may not contain {cname} (allowed: {order})")
            continue
        if order.index(cname) < last:
            problems.append(f"in {name}, {cname} comes after {order[last]}; the schema orders {order}")
        last = max(last, order.index(cname))
        _check_element(child, problems, ns, structure)


def _check_attributes(element, name: str, problems: list) -> None:
    for attr, value in element.attrib.items():
        if attr in GUID_ATTRS and not GUID_RE.match(value):
            problems.append(f"{name} attribute {attr}={value!r} is not a GUID")
        elif attr in ("startPosition", "endPosition") and not re.fullmatch(r"[+-]?\d+", value):
            problems.append(f"{name} attribute {attr}={value!r} is not an integer")
        elif attr == "isCodable" and value not in ("true", "false", "1", "0"):
            problems.append(f"{name} attribute isCodable={value!r} is not a boolean")
        elif attr == "color" and not RGB_RE.match(value):
            problems.append(f"{name} attribute color={value!r} is not #RRGGBB or #RGB")
        elif attr.endswith("DateTime") and not DATETIME_RE.match(value):
            problems.append(f"{name} attribute {attr}={value!r} is not an xsd:dateTime")
        elif attr == "typeOfVariable" and value not in VARIABLE_TYPES:
            problems.append(f"Variable typeOfVariable={value!r} is not one of {sorted(VARIABLE_TYPES)}")


def _check_guids(root, problems: list) -> set:
    seen: set = set()
    for el in root.iter():
        guid = el.get("guid") if isinstance(el.tag, str) else None
        if guid is None:
            continue
        if guid.lower() in seen:
            problems.append(f"GUID {guid!r} is used by more than one element")
        seen.add(guid.lower())
    return seen


def _check_text_source(source, files, problems: list) -> None:
    inline = source.find(_q("PlainTextContent")) is not None
    linked = source.get("plainTextPath") is not None
    if inline == linked:
        problems.append(f"TextSource {source.get('name')!r} must have either PlainTextContent or "
                        "plainTextPath, not both or neither")
        return
    text = source.find(_q("PlainTextContent")).text or "" if inline else None
    ref = source.get("plainTextPath") or ""
    if linked and files is not None and ref.startswith("internal://"):
        member = "sources/" + ref[len("internal://"):]
        text = next((t for n, t in files.items() if n.lower() == member.lower()), None)
        if text is None:
            problems.append(f"TextSource {source.get('name')!r}: {ref} is not in the zip")
            return
    for sel in source.iter(_q("PlainTextSelection")):
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            continue  # reported by the attribute check
        if start < 0 or end < start or (text is not None and end > len(text)):
            problems.append(f"PlainTextSelection {sel.get('name') or sel.get('guid')!r}: positions "
                            f"{start}..{end} are outside its text (0..{len(text) if text is not None else '?'})")
