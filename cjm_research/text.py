"""Text evidence: PII redaction, sentiment (English and Indonesian), pain-point themes, quotes.

The work lives in short modules (``redaction``, ``sentiment_model``, ``themes``); this module is
the public face that ``cjm.redact``, ``cjm.sentiment`` and ``cjm.themes`` point to.
"""

from __future__ import annotations

from .redaction import redact, redact_series

__all__ = ["redact", "redact_series"]
