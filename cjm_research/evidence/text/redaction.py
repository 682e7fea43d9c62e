"""PII redaction for quotes that reach a figure, table or report.

E-mail addresses, phone numbers (Indonesian ``+62`` / ``08xx`` / ``(021)`` forms and international
ones), card numbers (13-19 digits, Luhn-checked), Indonesian national id numbers (NIK, 16 digits)
and listed names are replaced with typed placeholders: ``[EMAIL]``, ``[PHONE]``, ``[CARD]``,
``[NIK]``, ``[NAME]``. Dates, prices, years, quantities, percentages and times are left alone:
every pattern below needs a shape (a ``+``, a leading ``0``, brackets, a digit count) that those
ordinary numbers do not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ...core.errors import ParameterError

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Card numbers: contiguous 13-19 digits, or the printed groupings (4-4-4-4[-3], Amex 4-6-5,
# Diners 4-6-4). Not after '+' or a digit, so a "+62 ..." phone is never read as a card.
CARD = re.compile(
    r"(?<![\d+\w])(?:\d{13,19}"
    r"|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?"
    r"|\d{4}([ -])\d{6}\2\d{4,5})(?![\d\w])"
)
NIK = re.compile(r"(?<![\d\w])\d{16}(?![\d\w])")
NIK_CONTEXT = re.compile(r"(?:nik|ktp|nomor induk|national id|id number)\W{0,12}$", re.IGNORECASE)

_SEP = r"[ .\-]?"
PHONE = re.compile(
    "|".join([
        # +62 812-3456-7890, +1 (415) 555-0100, +44 20 7946 0958, +6281234567890
        rf"\+\d{{1,3}}{_SEP}(?:\(\d{{1,4}}\){_SEP})?\d{{1,5}}(?:{_SEP}\d{{2,5}}){{1,4}}",
        # (021) 555-1234, (0274) 512 345, (415) 555-0100
        rf"\(\d{{2,4}}\){_SEP}\d{{3,4}}{_SEP}\d{{3,5}}",
        # 0812 3456 7890, 0812-3456-7890, 08123456789, 021 555 1234
        rf"(?<![\d\w/.,#-])0\d{{2,3}}(?:{_SEP}\d{{3,4}}){{1,3}}(?![\d\w]|[/.,-]\d)",
        # 415-555-0100, 415.555.0100 (North American without the country code)
        r"(?<![\d\w/.,#-])\d{3}[-.]\d{3}[-.]\d{4}(?![\d\w]|[/.,-]\d)",
    ])
)
PHONE_DIGITS = (8, 15)  # ITU E.164 allows at most 15 digits; fewer than 8 is not a phone number


def luhn_ok(digits: str) -> bool:
    """Return True when ``digits`` pass the Luhn checksum used by payment cards.

    Examples
    --------
    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_or_nik(match: re.Match, text: str) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) == 16 and digits == match.group(0):
        # A bare 16-digit number is a NIK unless it passes Luhn with a card prefix; the words
        # "NIK"/"KTP" just before it settle the rare number that looks like both.
        if NIK_CONTEXT.search(text[max(0, match.start() - 30):match.start()]):
            return "[NIK]"
        return "[CARD]" if luhn_ok(digits) and digits[0] in "2456" else "[NIK]"
    # Issuer prefixes 2-6 (Mastercard 2-series, Amex/Diners/JCB, Visa, Mastercard, Discover).
    return "[CARD]" if luhn_ok(digits) and digits[0] in "23456" else match.group(0)


def _phone(match: re.Match) -> str:
    n = sum(ch.isdigit() for ch in match.group(0))
    return "[PHONE]" if PHONE_DIGITS[0] <= n <= PHONE_DIGITS[1] else match.group(0)


def _names_pattern(names: Iterable[str] | None) -> re.Pattern | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise ParameterError(
            f"The value for `names` must be a list of names, but the string {names!r} was passed."
        )
    cleaned = sorted({str(n).strip() for n in names if str(n).strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    # Longest first so "Budi Santoso" wins over "Budi"; \w look-arounds give word boundaries that
    # also hold next to accented or Indonesian letters.
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _redact_with(text, names_re: re.Pattern | None):
    if not isinstance(text, str):
        return text  # NA and non-text pass through unchanged
    text = EMAIL.sub("[EMAIL]", text)
    text = CARD.sub(lambda m: _card_or_nik(m, m.string), text)
    text = NIK.sub("[NIK]", text)
    text = PHONE.sub(_phone, text)
    if names_re is not None:
        text = names_re.sub("[NAME]", text)
    return text


def redact(text: str, *, names: Iterable[str] | None = None) -> str:
    """Replace personal data in ``text`` with typed placeholders.

    Parameters
    ----------
    text : str
        A quote, an open answer or an interview excerpt. Missing values are returned unchanged.
    names : list of str, optional
        Names of people to hide (case-insensitive, whole words only).

    Returns
    -------
    str
        The text with ``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[NIK]`` and ``[NAME]`` placeholders.

    Examples
    --------
    >>> redact("Call Budi on +62 812-3456-7890 about the Rp 150.000 refund", names=["Budi"])
    'Call [NAME] on [PHONE] about the Rp 150.000 refund'
    """
    return _redact_with(text, _names_pattern(names))


def redact_series(texts, *, names: Iterable[str] | None = None) -> pd.Series:
    """Redact every text of a Series (or list); the names pattern is compiled once.

    Examples
    --------
    >>> redact_series(["mail me: a@b.co", "call 0812 3456 7890"]).tolist()
    ['mail me: [EMAIL]', 'call [PHONE]']
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    names_re = _names_pattern(names)
    return series.map(lambda t: _redact_with(t, names_re))
