"""PII redaction on a planted corpus: no leaks, and ordinary numbers untouched."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cjm_research.core.errors import ParameterError
from cjm_research.evidence.text.redaction import luhn_ok, redact, redact_series

NAMES = ["Budi Santoso", "Siti", "Sarah O'Connor", "Wayan"]

# (planted value, placeholder it must become)
PII = [
    ("budi.santoso@gmail.com", "[EMAIL]"),
    ("siti_rahma+cjm@mail.co.id", "[EMAIL]"),
    ("s.oconnor@example.org", "[EMAIL]"),
    ("+62 812-3456-7890", "[PHONE]"),
    ("+6281234567890", "[PHONE]"),
    ("+62 21 5551234", "[PHONE]"),
    ("0812 3456 7890", "[PHONE]"),
    ("0812-3456-7890", "[PHONE]"),
    ("08123456789", "[PHONE]"),
    ("(021) 555-1234", "[PHONE]"),
    ("(0274) 512 345", "[PHONE]"),
    ("+1 415 555 0100", "[PHONE]"),
    ("+1 (415) 555-0100", "[PHONE]"),
    ("+44 20 7946 0958", "[PHONE]"),
    ("4111 1111 1111 1111", "[CARD]"),
    ("4111-1111-1111-1111", "[CARD]"),
    ("5500005555555559", "[CARD]"),
    ("3782 822463 10005", "[CARD]"),
    ("3201234567890001", "[NIK]"),
    ("3174056512900003", "[NIK]"),
    ("Budi Santoso", "[NAME]"),
    ("siti", "[NAME]"),
    ("SARAH O'CONNOR", "[NAME]"),
    ("Wayan", "[NAME]"),
]

TEMPLATES = [
    "Please contact me at {pii} about my refund of Rp 150.000 for order 3 of 2026.",
    "Tolong hubungi {pii} soal pengembalian dana Rp150,000 tanggal 2026-07-01.",
    "My details: {pii}. I waited 45 minutes at 10:30 on 01/07/2026 and paid $19.99.",
    "Saya sudah kirim data {pii} ke CS, diskon 15% tidak masuk, total 2 barang.",
]

ORDINARY = [
    "The order of 2026-07-01 cost Rp 150.000 and arrived at 10:30.",
    "Harga Rp150,000 untuk 3 pcs, diskon 15%, tanggal 01/07/2026.",
    "I paid $19.99 plus $4.50 shipping in 2025, 2 items, 100% satisfied.",
    "Total Rp 1.250.000 for 12 items; delivery 3-5 days; rating 4/5.",
    "Pesanan #00123456 dikirim 2026-07-03 jam 14:45, ongkir Rp 9.000.",
    "We waited from 09:15 to 11:40 on 2026/07/02, queue number 57.",
    "Between 2019-2024 I ordered 250 times, about 1,200,000 rupiah a year.",
    "Version 2.3.1 of the app crashed twice; 0.5% cashback never came.",
    "Invoice INV-2026-000871 for 1 x 24 pack, weight 1.5 kg.",
    "Tanggal 31-12-2025 saya bayar Rp 75.500, struk no 4471.",
]


def corpus():
    return [(tpl.format(pii=value), value, tag) for value, tag in PII for tpl in TEMPLATES]


def test_corpus_is_large_and_bilingual():
    assert len(corpus()) >= 60


@pytest.mark.parametrize("sentence, value, tag", corpus())
def test_planted_pii_never_leaks(sentence, value, tag):
    out = redact(sentence, names=NAMES)
    assert value.lower() not in out.lower()
    assert tag in out
    digits_only = re.sub(r"\D", "", value)
    if len(digits_only) >= 8:
        assert digits_only not in re.sub(r"\D", "", out.replace(tag, " "))


@pytest.mark.parametrize("sentence, value, tag", corpus())
def test_ordinary_numbers_around_pii_survive(sentence, value, tag):
    out = redact(sentence, names=NAMES)
    # Everything outside the planted value is unchanged, byte for byte.
    before, after = sentence.split(value)
    assert out == before + tag + after


@pytest.mark.parametrize("sentence", ORDINARY)
def test_no_damage_to_ordinary_numbers(sentence):
    assert redact(sentence, names=NAMES) == sentence


def test_luhn_by_textbook_examples():
    # 79927398713 is the classic worked example of the Luhn algorithm.
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


def test_card_like_number_failing_luhn_is_kept():
    assert redact("tracking 4111111111111112222") == "tracking 4111111111111112222"


def test_nik_keyword_wins_over_card_lookalike():
    assert redact("NIK: 4111111111111111") == "NIK: [NIK]"


def test_names_need_whole_words():
    assert redact("Sitiawan and Siti", names=["Siti"]) == "Sitiawan and [NAME]"


def test_names_must_be_a_list():
    with pytest.raises(ParameterError, match="names"):
        redact("hello", names="Budi")


def test_redact_series_keeps_index_and_missing():
    s = pd.Series(["mail a@b.co", None, "call 08123456789"], index=[5, 6, 7])
    out = redact_series(s)
    assert out.index.tolist() == [5, 6, 7]
    assert out[5] == "mail [EMAIL]" and out[7] == "call [PHONE]"
    assert pd.isna(out[6])


def test_demo_interviews_leak_no_planted_pii(demo_dir, truth):
    excerpts = pd.concat([pd.read_csv(f) for f in sorted(demo_dir.glob("*/interviews.csv"))])
    out = redact_series(excerpts["text"], names=truth["pii"]["names"])
    planted = [v for kind in ("emails", "phones", "names") for v in truth["pii"][kind]]
    assert planted
    leaks = [v for v in planted if out.str.contains(v, regex=False, case=False).any()]
    assert leaks == []
    # texts without planted PII come back unchanged
    clean = ~excerpts["text"].str.contains("|".join(map(re.escape, planted)), case=False)
    assert (out[clean.to_numpy()] == excerpts["text"][clean.to_numpy()]).all()
