"""Evidence: the statistics behind every number on a map.

``intervals`` (one place for every confidence interval and the minimum detectable effect),
``metrics`` (NPS, CSAT, CES, conversion and repurchase with n and interval, and their comparison
tests), ``drivers`` (key drivers and importance-performance) and ``text/`` (redaction, language,
sentiment, themes). Evidence computes; :mod:`cjm_research.viz` draws.
"""
