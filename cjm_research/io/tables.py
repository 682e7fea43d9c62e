"""Survey tables: CSV/TSV/TXT with sniffed delimiter and encoding, and Excel workbooks.

Every reader in :mod:`cjm_research.io` opens files through :func:`open_bytes`, :func:`sniff_content`
and :func:`decode_text`, so that a missing file, an empty file, a PNG renamed ``.csv`` or an
unreadable encoding gives one :class:`~cjm_research.core.errors.DataError` that names the file, instead
of a pandas or codec traceback.

Cells are read as text first and typed afterwards (:func:`infer_types`), because pandas' own
inference turns long integer ids into floats and reads ``04-09-2012`` month-first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import DataError, ParameterError

# Leading bytes of formats people rename by mistake; the value says what the file really is.
MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF document", b"PK\x03\x04": "zip", b"\xd0\xcf\x11\xe0": "a legacy Office file (.xls/.doc)",
    b"$FL2": "spss", b"$FL3": "spss", b"PAR1": "a Parquet file", b"\x1f\x8b": "a gzip archive",
    b"SQLite format": "an SQLite database",
}


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # Unicode category Cc less \t\n\r\f
SAMPLE = 65536


def open_bytes(path, *, what: str = "data file") -> tuple[Path, bytes]:
    """Read a whole file as bytes, refusing missing, directory and empty files.

    Examples
    --------
    >>> open_bytes("no/such.csv")
    Traceback (most recent call last):
    ...
    cjm_research.core.errors.DataError: no/such.csv: file not found (expected a data file).
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found (expected a {what}).")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a {what}.")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{path}: the file is empty ({len(data)} bytes); expected a {what}.")
    return path, data


def sniff_content(data: bytes) -> str:
    """Name what the leading bytes say the file is: 'text', 'zip', 'spss' or a description.

    Examples
    --------
    >>> sniff_content(b"a,b\\n1,2\\n"), sniff_content(b"\\x89PNG\\r\\n")
    ('text', 'a PNG image')
    """
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with BOM, e.g. Excel's "Unicode text"
    return "binary data" if b"\x00" in data[:65536] else "text"


def decode_text(data: bytes, path, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes, trying UTF-8 (with or without BOM), then cp1252, then Latin-1.

    cp1252 comes before Latin-1 because Windows exports use its curly quotes and euro sign;
    Latin-1 decodes anything, so junk is caught afterwards by its share of control characters.

    Returns
    -------
    text, encoding : str, str

    Examples
    --------
    >>> decode_text("Zoë".encode("latin-1"), "x.csv")
    ('Zoë', 'cp1252')
    """
    if encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1252", "latin-1"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError) as exc:
            if encoding:
                raise DataError(f"{path}: cannot decode the file as {encoding!r}: {exc}.") from None
            continue
        _check_not_junk(text, path)
        return text.replace("\r\n", "\n").replace("\r", "\n"), name
    raise DataError(f"{path}: cannot decode the file as UTF-8, cp1252 or Latin-1.")  # pragma: no cover


def _check_not_junk(text: str, path) -> None:
    # Random bytes decode as Latin-1 but are full of control characters; real text has almost none.
    sample = text[:SAMPLE]
    controls = len(CONTROL_CHARS.findall(sample))
    if controls > max(2, 0.005 * len(sample)):
        raise DataError(f"{path}: looks like binary data, not text ({controls} control characters "
                        f"in the first {len(sample)} characters).")


def check_extension(path: Path, allowed: dict[str, str], *, reader: str) -> str:
    """Return the reader kind for the file's extension or raise a DataError listing the allowed ones.

    Examples
    --------
    >>> check_extension(Path("a.CSV"), {".csv": "csv"}, reader="read_survey")
    'csv'
    """
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise DataError(f"{path}: unsupported file extension {suffix or '(none)'!r}; {reader} reads "
                        f"{', '.join(sorted(allowed))}.")
    return allowed[suffix]


# ---------------------------------------------------------------- delimited text -> grid of cells

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter (comma, semicolon, tab, pipe) that splits the first rows most consistently.

    Rows are split with the csv module, so quoted cells holding delimiters or line breaks (Qualtrics'
    question text) do not confuse the count.

    Examples
    --------
    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    best, best_score = ",", (False, 0.0, 0)
    for delim in DELIMITERS:
        widths = [len(row) for row in _first_records(text[:SAMPLE], delim)]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = (mode > 1, widths.count(mode) / len(widths), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _first_records(sample: str, delim: str, limit: int = 50) -> list[list[str]]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(sample), delimiter=delim):
            if row:
                rows.append(row)
            if len(rows) > limit:
                return rows[:limit]
    except csv.Error:
        return []
    # the last record of a sample cut at SAMPLE characters may be truncated
    return rows[:-1] if len(sample) == SAMPLE and len(rows) > 1 else rows


def read_grid(text: str, delimiter: str, path, **options) -> pd.DataFrame:
    """Split delimited text into a frame of text cells, header rows included (``header=None``).

    Rows longer than the header are accepted when the extra cells are empty (trailing delimiters,
    common in spreadsheet exports); extra cells with content are an error naming the rows. The empty extra columns stay
    in the grid, for :func:`frame_from_grid` to drop and report.

    Examples
    --------
    >>> read_grid("a,b\\n1,2,\\n", ",", "x.csv").shape
    (2, 3)
    """
    try:
        return _parse(text, delimiter, path, final=False, **options)
    except pd.errors.ParserError:
        width = max(len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter))
        grid = _parse(text, delimiter, path, final=True, names=range(width), **options)
    named = grid.iloc[0].last_valid_index()
    header_width = grid.shape[1] if named is None else named + 1
    extra = grid.iloc[:, header_width:].notna().any(axis=1)
    if extra.any():
        rows = ", ".join(str(i + 1) for i in extra[extra].index[:5])
        raise DataError(f"{path}: line(s) {rows} have more cells than the {header_width} column names "
                        f"(split on {DELIMITER_NAMES.get(delimiter, repr(delimiter))}).")
    return grid  # the empty extra columns are dropped, and reported, by frame_from_grid


def _parse(text: str, delimiter: str, path, *, final: bool, **options) -> pd.DataFrame:
    how = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, **options)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file has no rows.") from None
    except pd.errors.ParserError as exc:
        if not final:
            raise  # read_grid retries with as many columns as the widest row
        raise DataError(f"{path}: cannot split the rows on {how}: {str(exc).strip()}") from None
    except ValueError as exc:
        raise DataError(f"{path}: cannot split the rows on {how}: {exc}") from None
    except TypeError as exc:
        raise ParameterError(f"invalid reader option for {path}: {exc}.") from None


def frame_from_grid(grid: pd.DataFrame, path, notes: list, *, header_rows: int = 1,
                    names=None, labels=None) -> pd.DataFrame:
    """Turn a grid into a frame: header row(s) become unique column names, the rest are the rows.

    ``names`` overrides the first row as column ids and ``labels`` (one text per column) becomes
    ``attrs["descriptions"]``. Nameless columns that are entirely empty (trailing delimiters) are
    dropped and repeated ids made unique, both reported in ``notes``.
    """
    names = pd.Series(list(grid.iloc[0] if names is None else names), dtype=object)
    data = grid.iloc[header_rows:].reset_index(drop=True)
    data.columns = range(data.shape[1])
    blank = (names.isna() | (names.astype(str).str.strip() == "")).to_numpy() & data.isna().all().to_numpy()
    if blank.any():
        notes.append(f"dropped {int(blank.sum())} empty column(s) without a name (trailing delimiters)")
    data, names = data.loc[:, ~blank], names[~blank]
    data.columns = unique_names(names, notes)
    if data.empty:
        raise DataError(f"{path}: has header row(s) but no data rows.")
    if labels is not None:
        texts = pd.Series(list(labels), dtype=object)[~blank]
        data.attrs["descriptions"] = {c: str(t).strip() for c, t in zip(data.columns, texts)
                                      if isinstance(t, str) and t.strip()}
    return data


def unique_names(names, notes: list) -> list[str]:
    """Column names made unique (``Q5``, ``Q5_2``), each renaming reported in ``notes``.

    Examples
    --------
    >>> notes = []
    >>> unique_names(["Q5", "Q5", None], notes), notes
    (['Q5', 'Q5_2', 'column_3'], ["repeated column id 'Q5' renamed Q5_2"])
    """
    out: list[str] = []
    for i, name in enumerate(names):
        name = str(name).strip() if isinstance(name, str) and name.strip() else f"column_{i + 1}"
        new, k = name, 1
        while new in out:
            k += 1
            new = f"{name}_{k}"
        if new != name:
            notes.append(f"repeated column id {name!r} renamed {new}")
        out.append(new)
    return out


# ---------------------------------------------------------------- typing text cells

INTEGER = r"[+-]?\d+"
ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
DMY_DATE = r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})"
DMY_TIME = r"(?: \d{1,2}:\d{2}(?::\d{2})?)?"
BOOLEANS = {"true": True, "false": False}


def infer_types(frame: pd.DataFrame, *, id_columns=(), dayfirst=None, decimal_comma=False,
                notes: list, source=None) -> pd.DataFrame:
    """Type the text columns of ``frame``: integers, floats, dates, booleans; ids stay text.

    A column stays text when it is named in ``id_columns`` or when it holds integers with leading
    zeros or beyond 2**53 (a float cannot hold them exactly). ``dd-mm-yyyy`` dates are read
    day-first when a day above 12 shows it (or ``dayfirst`` says so), each decision noted.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["0012", "0013"], "n": ["1", "2"]}, dtype=str)
    >>> infer_types(df, notes=[]).dtypes.astype(str).tolist()
    ['str', 'int64']
    """
    missing = [c for c in id_columns if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: id column(s) {missing} not found; the file has columns "
                        f"{list(frame.columns)}.")
    out = frame.copy()
    out.attrs = {}  # pandas deep-copies attrs on every column operation; put them back at the end
    for col in out.columns:
        if col in id_columns and not pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(_cell_text, na_action="ignore").astype("str")  # SPSS ids are floats
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = _type_column(out[col], col, col in id_columns, dayfirst, decimal_comma, notes)
    out.attrs = dict(frame.attrs)
    return out


def _type_column(s: pd.Series, name, is_id, dayfirst, decimal_comma, notes) -> pd.Series:
    text = s.astype("str").str.strip()
    text = text.mask(text == "")
    if is_id:
        return text
    # type the distinct values once, then spread them back: surveys repeat few values many times
    codes, uniques = pd.factorize(text)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    if values.empty:
        return text
    if values.str.fullmatch(INTEGER).all():
        typed = _integers(values, name, notes)
        return text if typed is None else _expand(typed, codes, text.index)
    for convert in (_numbers, _iso_dates, _dmy_dates, _booleans):
        typed = convert(values, name=name, dayfirst=dayfirst, decimal_comma=decimal_comma, notes=notes)
        if typed is not None:
            return _expand(typed, codes, text.index)
    return s


def _expand(typed: pd.Series, codes: np.ndarray, index) -> pd.Series:
    out = pd.Series(typed.array.take(codes, allow_fill=True), index=index)
    if str(out.dtype) == "Int64" and not out.isna().any():
        return out.astype("int64")
    return out


def _integers(values, name, notes) -> pd.Series | None:
    if values.str.fullmatch(r"[+-]?0\d+").any():
        notes.append(f"kept {name!r} as text: integer ids with leading zeros")
        return None
    long = values[values.str.len() >= 16]  # only 16+ characters can exceed 2**53
    if any(abs(int(v)) > 2**53 for v in long):
        notes.append(f"kept {name!r} as text: integers beyond 2**53 would lose digits as floats")
        return None
    return pd.to_numeric(values).astype("Int64")  # exact: every value is within 2**53


GROUPED = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"   # 1,250 or 1,026,000.50
PLAIN = r"[+-]?\d+(?:\.\d+)?"
UNGROUPED = r"[+-]?\d{4,}(?:\.\d+)?"                # 4+ digits written without a separator


def thousands_separated(values: pd.Series) -> bool:
    """True when the commas of a column are thousands separators, not decimal commas.

    The column's values decide: every value with a comma is written in groups of three
    (``1,250``, ``12,500``, ``1,026,000.50``; never ``0,873``) and no value of four or more digits
    is written without one. ``2,5`` or ``3,75`` anywhere in the column means decimal commas.

    Examples
    --------
    >>> thousands_separated(pd.Series(["1,250", "980", "12,500"]))
    True
    >>> thousands_separated(pd.Series(["1,250", "2,5"])), thousands_separated(pd.Series(["1,250", "4500"]))
    (False, False)
    """
    commas = values.str.contains(",", regex=False)
    others = values[~commas]
    return bool(commas.any() and values[commas].str.fullmatch(GROUPED).all()
                and others.str.fullmatch(PLAIN).all() and not others.str.fullmatch(UNGROUPED).any())


def _numbers(values, *, name, decimal_comma, notes, **_) -> pd.Series | None:
    # Thousands first: in a TSV or semicolon file "1,250" would otherwise read as 1.25.
    if thousands_separated(values):
        notes.append(f"read commas in {name!r} as thousands separators (1,250 is 1250)")
        values = values.str.replace(",", "", regex=False)
        if values.str.fullmatch(INTEGER).all():
            return _integers(values, name, notes)
    elif decimal_comma and values.str.fullmatch(r"[+-]?\d+(?:,\d+)?").all() and values.str.contains(",").any():
        notes.append(f"read decimal commas in {name!r}")
        values = values.str.replace(",", ".")
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.astype("float64") if numbers.notna().all() else None


def _iso_dates(values, **_) -> pd.Series | None:
    if not values.iloc[:50].str.fullmatch(ISO_DATE).all() or not values.str.fullmatch(ISO_DATE).all():
        return None
    for utc in (False, True):  # mixed UTC offsets only parse as UTC
        try:
            return pd.to_datetime(values, format="ISO8601", utc=utc)
        except (ValueError, TypeError):
            continue
    return None


def _dmy_dates(values, *, name, dayfirst, notes, **_) -> pd.Series | None:
    if not values.iloc[:50].str.fullmatch(DMY_DATE + DMY_TIME).all() or \
            not values.str.fullmatch(DMY_DATE + DMY_TIME).all():
        return None
    parts = values.str.extract(DMY_DATE)
    first, sep, second = parts[0].astype(int), parts[1].iloc[0], parts[2].astype(int)
    if (parts[1] != sep).any() or ((first > 12).any() and (second > 12).any()):
        return None
    if dayfirst is None and not (first > 12).any() and not (second > 12).any():
        notes.append(f"dates in {name!r} are ambiguous (no day above 12); assumed day-first")
    day_first = (first > 12).any() or (not (second > 12).any() if dayfirst is None else dayfirst)
    form = f"%d{sep}%m{sep}%Y" if day_first else f"%m{sep}%d{sep}%Y"
    try:
        parsed = pd.to_datetime(values, format="mixed" if values.str.contains(":").any() else form,
                                dayfirst=day_first)
    except (ValueError, TypeError):
        notes.append(f"kept {name!r} as text: not valid {form} dates")
        return None
    notes.append(f"parsed {name!r} as {form.replace('%d', 'dd').replace('%m', 'mm').replace('%Y', 'yyyy')}")
    return parsed


def _booleans(values, **_) -> pd.Series | None:
    lower = values.str.lower()
    return lower.map(BOOLEANS).astype("boolean") if lower.isin(BOOLEANS.keys()).all() else None


# ---------------------------------------------------------------- Excel

def read_excel_grid(path: Path, sheet=None, **options) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook as a grid of text cells (header rows included).

    Cells are turned to text (whole numbers without ``.0``, dates in ISO form) so that Excel files
    go through the same typing rules as CSV files.
    """
    content = path.read_bytes()  # openpyxl refuses a workbook whose name does not end in .xlsx
    names = _sheet_names(path, content)
    if sheet is None:
        sheet = names[0]
    elif isinstance(sheet, int) and not 0 <= sheet < len(names) or not isinstance(sheet, int) and sheet not in names:
        raise DataError(f"{path}: no sheet {sheet!r}; the workbook has sheets {names}.")
    try:
        raw = pd.read_excel(io.BytesIO(content), sheet_name=sheet, header=None, dtype=object, engine="openpyxl", **options)
    except TypeError as exc:
        raise ParameterError(f"invalid reader option for {path}: {exc}.") from None
    raw = raw.dropna(how="all")
    if raw.empty:
        raise DataError(f"{path}: sheet {sheet!r} is empty.")
    return raw.map(_cell_text).astype("str")


def _sheet_names(path: Path, content: bytes) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise DataError(f"{path}: not a readable Excel (.xlsx) workbook: {exc}.") from None
    names = list(book.sheetnames)
    book.close()
    return names


def _cell_text(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value.isoformat()
    return str(value)
