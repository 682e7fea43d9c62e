"""A synthetic CX tracker with known ground truth: ``make_demo(out)``.

The demo study imitates the quarterly customer-experience tracker of an Indonesian omnichannel
retailer: four quarters of survey answers, coded interview excerpts and touchpoint event logs,
generated from a fixed customer population with four latent personas (see docs/data-model.md,
section "The demo study"). Everything the toolkit should recover is written to ``truth.json``:
the persona of every customer and respondent, the planted payment pain point of persona P2, the
2026Q2 intervention that fixes most of it, the planted rates per quarter and every piece of PII
planted in interview texts.

Every part of every quarter draws from its own :class:`numpy.random.Generator` seeded from
``(seed, quarter, part)``, so the same seed gives byte-identical files and a quarter does not
change when other quarters are added or dropped.

Examples
--------
>>> from cjm_research.datasets.demo import make_demo
>>> path = make_demo("data/demo")                       # doctest: +SKIP
>>> path.name                                           # doctest: +SKIP
'study.yml'
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml
from tqdm.auto import tqdm

from ..core.errors import ConfigError, ParameterError
from ..core.framework import JourneyFramework
from ..study.load import parse_quarter, quarter_end

QUARTERS = ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
INTERVENTION = "2026Q2"
LOCAL_TZ, UTC_OFFSET_H = "Asia/Jakarta", 7   # hour patterns are drawn in Jakarta time (WIB)
PERSONAS = ("P1", "P2", "P3", "P4")
PERSONA_NAMES = {"P1": "Digital natives", "P2": "Value seekers", "P3": "Store loyalists",
                 "P4": "Affluent professionals"}
SHARES = np.array([0.30, 0.28, 0.22, 0.20])
STAGES = ("awareness", "consideration", "decision", "retention", "advocacy")
CUSTOMERS_PER_RESPONDENT = 10        # 2,000 respondents a quarter from 20,000 customers
INTERVIEWEES = (7, 7, 6, 5)          # participants per persona and quarter

# ----------------------------------------------------------------------------- persona traits
# Columns are P1..P4. Separation is tuned so that k-means on standardised features recovers the
# personas (adjusted Rand >= 0.93) and silhouette picks k=4, while the clusters still overlap.
AGE = ((23, 3.5), (40, 6.0), (59, 7.0), (45, 7.0))                  # mean, sd
ORDERS = (16, 8, 4, 11)                                             # Poisson mean, last 12 months
AOV = (180_000, 120_000, 260_000, 850_000)                          # IDR, log-normal median
ONLINE = ((18, 2), (11, 9), (2, 14), (14, 6))                       # beta(a, b) online share
INCOME = (2.6, 1.8, 3.0, 4.6)                                       # ordinal centres, 1..5
SAVVY = (4.7, 2.8, 1.5, 3.8)
PRICE = (2.8, 4.7, 2.4, 1.3)
FEMALE = (0.50, 0.70, 0.50, 0.45)
CITIES = ("Jakarta", "Surabaya", "Bandung", "Medan", "Semarang", "Makassar", "Yogyakarta",
          "Denpasar")
CITY_P = (np.array([.32, .14, .12, .10, .08, .08, .08, .08]),) * 3 + (
    np.array([.45, .12, .10, .08, .07, .06, .06, .06]),)
CHANNELS = ("app", "social", "web", "whatsapp", "store", "call_centre", "email")
CHANNEL_P = ((.70, .20, .10, 0, 0, 0, 0), (0, 0, .45, .45, .10, 0, 0),
             (0, 0, .05, 0, .75, .20, 0), (.10, 0, .60, 0, 0, 0, .30))
INDONESIAN = (0.25, 0.35, 0.45, 0.15)                               # share answering in Bahasa

# Latent stage satisfaction (1..5 scale) before any planted pain; rows P1..P4, STAGES order.
MU = np.array([[4.0, 3.3, 4.0, 3.5, 3.9],
               [3.8, 3.7, 4.0, 3.8, 3.6],
               [3.6, 3.2, 3.9, 3.3, 3.5],
               [3.7, 3.9, 4.1, 3.2, 3.6]])
PERSON_SD, ITEM_SD = 0.5, 0.8        # respondent halo and item noise of the latent ratings
PAIN_SHIFT = {"before": -1.15, "after": -0.4}   # P2 decision satisfaction, before/after the fix
TP_PAIN = {"payment": 1.2, "checkout": 0.6}    # how much of the P2 shift each touchpoint carries
TP_OFFSET = {0: {"app_browse": -0.4}, 2: {"call_centre_support": -0.3},
             3: {"order_tracking": -0.4, "loyalty_email": -0.3}}

# ----------------------------------------------------------------------------- journeys
SESSIONS = (3.0, 2.5, 1.2, 2.2)      # extra sessions a quarter (Poisson), on top of one
ACTIVE = 0.30                        # share of non-surveyed customers active in a quarter
P_STORE = (0.05, 0.10, 0.70, 0.10)
P_AD = (0.50, 0.30, 0.10, 0.20)
P_SEARCH = (0.20, 0.50, 0.30, 0.50)
P_WHATSAPP = (0.05, 0.40, 0.05, 0.02)
P_APP = (0.75, 0.10, 0.05, 0.25)
P_CART = (0.45, 0.50, 0.35, 0.50)
P_CHECKOUT = (0.70, 0.65, 0.60, 0.80)
P_PAY = 0.92
P_RETRY = 0.55
FAIL = {"before": (0.05, 0.35, 0.05, 0.05), "after": (0.05, 0.07, 0.05, 0.05)}
LATER = {  # event: (per-persona probability, first day, last day, needs a purchase)
    "order_tracking": ((0.80, 0.60, 0.30, 0.70), 1, 3, True),
    "email_open": ((0.15, 0.20, 0.10, 0.60), 0, 10, False),
    "support_call": ((0.04, 0.10, 0.30, 0.06), 1, 7, False),
    "repeat_purchase": ((0.25, 0.20, 0.15, 0.30), 7, 40, True),
    "review_posted": ((0.10, 0.08, 0.05, 0.12), 3, 10, True),
    "referral": ((0.15, 0.05, 0.03, 0.06), 5, 20, True),
    "social_share": ((0.20, 0.05, 0.02, 0.04), 1, 10, True),
}
EVENTS = ("ad_view", "ad_click", "search", "landing_view", "whatsapp_chat", "app_browse",
          "store_visit", "product_view", "add_to_cart", "checkout", "payment", "payment_failed",
          "purchase", *LATER)
HOUR_BUMPS = (  # (centre hour WIB, width, weight): P1 late evening, P2 evening, P3 daytime, P4 lunch+evening
    ((21.5, 1.5, 1.0), (12.5, 1.0, 0.3)),
    ((20.0, 1.5, 1.0), (9.5, 1.2, 0.4)),
    ((11.0, 2.0, 1.0), (15.0, 1.5, 0.6)),
    ((12.5, 0.8, 0.8), (20.5, 1.2, 1.0), (7.5, 0.7, 0.3)),
)

# ----------------------------------------------------------------------------- texts
# code -> (kind, stage, touchpoint, English variants, Indonesian variants)
CODES = {
    "irrelevant_ads": ("pain", "awareness", "social_ad",
                       ["The ads I see are not relevant to me at all."],
                       ["Iklannya sama sekali tidak sesuai dengan kebutuhan saya."]),
    "out_of_stock": ("pain", "consideration", "product_page",
                     ["The item I wanted was out of stock again, so disappointing."],
                     ["Barang yang saya mau stoknya habis lagi, kecewa."]),
    "app_crash": ("pain", "consideration", "app_browse",
                  ["The app crashes when I open the product list.",
                   "The app is slow and keeps logging me out, really annoying."],
                  ["Aplikasinya sering keluar sendiri waktu buka daftar produk.",
                   "Aplikasinya lambat dan sering logout sendiri, menyebalkan."]),
    "slow_whatsapp_reply": ("pain", "consideration", "whatsapp_chat",
                            ["Nobody answered my WhatsApp question for hours."],
                            ["Pertanyaan saya di WhatsApp tidak dibalas berjam-jam."]),
    "long_queue": ("pain", "consideration", "store_visit",
                   ["The queue at the store cashier was far too long.",
                    "I waited ages in the store because only one cashier was open."],
                   ["Antrean di kasir toko terlalu panjang.",
                    "Saya menunggu lama di toko karena kasirnya cuma satu."]),
    "payment_failure": ("pain", "decision", "payment",
                        ["My payment failed twice at checkout and the money was still deducted.",
                         "Payment keeps failing with my bank card, so I gave up on the order.",
                         "The payment page froze and then said the payment failed, terrible."],
                        ["Pembayaran gagal dua kali padahal saldo sudah terpotong.",
                         "Pembayaran gagal terus pakai kartu debit, jadi saya batal belanja.",
                         "Halaman pembayaran macet lalu muncul pembayaran gagal, parah."]),
    "checkout_error": ("pain", "decision", "checkout",
                       ["The voucher code did not work at checkout, very annoying."],
                       ["Kode voucher tidak bisa dipakai saat checkout, menyebalkan."]),
    "hidden_fees": ("pain", "decision", "checkout",
                    ["Shipping costs only appear at the last step, that feels unfair."],
                    ["Ongkos kirim baru muncul di langkah terakhir, rasanya tidak adil."]),
    "slow_delivery": ("pain", "retention", "order_tracking",
                      ["Delivery took a week and the tracking never updated.",
                       "My order arrived late and nobody told me why."],
                      ["Pengiriman lama sekali dan pelacakan tidak pernah diperbarui.",
                       "Pesanan saya telat datang dan tidak ada kabar."]),
    "call_wait_time": ("pain", "retention", "call_centre_support",
                       ["I waited forty minutes on the phone before anyone helped."],
                       ["Saya menunggu empat puluh menit di telepon sebelum dibantu."]),
    "too_many_emails": ("pain", "retention", "loyalty_email",
                        ["I get too many promotional e-mails that are not useful."],
                        ["Terlalu banyak email promosi yang tidak berguna."]),
    "referral_reward_unclear": ("pain", "advocacy", "referral",
                                ["The referral reward rules are confusing."],
                                ["Aturan hadiah referensi membingungkan."]),
    "review_ignored": ("pain", "advocacy", "review",
                       ["My review was never answered, it feels pointless."],
                       ["Ulasan saya tidak pernah ditanggapi, percuma."]),
    "relevant_promo": ("gain", "awareness", "social_ad",
                       ["The promo I saw on Instagram was exactly what I needed."],
                       ["Promo di Instagram pas sekali dengan yang saya butuhkan."]),
    "easy_search": ("gain", "awareness", "search_result",
                    ["Finding products through search is quick and easy."],
                    ["Mencari produk lewat pencarian cepat dan mudah."]),
    "clear_product_info": ("gain", "consideration", "product_page",
                           ["Product pages are clear and the photos are helpful."],
                           ["Halaman produk jelas dan fotonya membantu."]),
    "smooth_app": ("gain", "consideration", "app_browse",
                   ["The app is smooth and easy to use, I love it."],
                   ["Aplikasinya lancar dan mudah dipakai, suka sekali."]),
    "quick_whatsapp_help": ("gain", "consideration", "whatsapp_chat",
                            ["The WhatsApp team answered quickly and kindly."],
                            ["Tim WhatsApp menjawab dengan cepat dan ramah."]),
    "friendly_staff": ("gain", "consideration", "store_visit",
                       ["The store staff were friendly and helpful."],
                       ["Staf toko ramah dan sangat membantu."]),
    "fast_checkout": ("gain", "decision", "checkout",
                      ["Checkout was fast, only a few clicks. Great."],
                      ["Checkout cepat, cuma beberapa klik. Mantap."]),
    "many_payment_options": ("gain", "decision", "payment",
                             ["I like that there are many payment options.",
                              "Payment went through smoothly this time, good job."],
                             ["Saya suka banyak pilihan pembayaran.",
                              "Pembayaran kali ini lancar, bagus."]),
    "fast_delivery": ("gain", "retention", "order_tracking",
                      ["Delivery was fast and tracking was accurate."],
                      ["Pengiriman cepat dan pelacakannya akurat."]),
    "loyalty_rewards": ("gain", "retention", "loyalty_email",
                        ["The loyalty points are a nice reward."],
                        ["Poin loyalitasnya menyenangkan."]),
    "helpful_support": ("gain", "retention", "call_centre_support",
                        ["The call centre solved my problem on the first call, excellent."],
                        ["Pusat panggilan menyelesaikan masalah saya di telepon pertama, hebat."]),
    "easy_referral": ("gain", "advocacy", "referral",
                      ["Referring friends is easy and the reward is great."],
                      ["Mengajak teman gampang dan hadiahnya bagus."]),
    "happy_to_share": ("gain", "advocacy", "social_share",
                       ["I happily share my purchases with friends online."],
                       ["Saya senang membagikan belanjaan saya ke teman-teman."]),
    "easy_review": ("gain", "advocacy", "review",
                    ["Posting a review was simple and quick."],
                    ["Menulis ulasan itu mudah dan cepat."]),
}
# Persona weights of codes (default 1); P2's payment weight depends on the intervention.
CODE_WEIGHT = (
    {"app_crash": 5, "slow_delivery": 2, "long_queue": 0.2, "call_wait_time": 0.3,
     "smooth_app": 3, "happy_to_share": 3},
    {"payment_failure": ("before", 10, 6), "hidden_fees": 1.2, "out_of_stock": 2,
     "slow_whatsapp_reply": 2, "app_crash": 0.3, "quick_whatsapp_help": 3,
     "many_payment_options": ("before", 0.3, 2)},
    {"long_queue": 5, "call_wait_time": 5, "app_crash": 0.2, "slow_whatsapp_reply": 0.3,
     "friendly_staff": 4},
    {"slow_delivery": 5, "too_many_emails": 3, "long_queue": 0.3, "fast_checkout": 3,
     "loyalty_rewards": 2},
)
STAGE_WEIGHT = ({"consideration": 1.6, "retention": 1.3}, {"decision": ("before", 3.0, 2.5)},
                {"consideration": 1.6, "retention": 1.6}, {"retention": 2.0})
ELABORATION = {
    ("pain", "en"): ["Honestly it made me think twice about shopping here.",
                     "It happens more often than it should.", "I told my family about it too."],
    ("pain", "id"): ["Jujur saya jadi malas belanja di sini.", "Kejadian ini terlalu sering.",
                     "Saya sampai cerita ke keluarga."],
    ("gain", "en"): ["That is why I keep coming back.", "It really saves me time."],
    ("gain", "id"): ["Makanya saya terus kembali.", "Sangat menghemat waktu saya."],
    ("neutral", "en"): ["It was fine, nothing special.", "I did not think much about it."],
    ("neutral", "id"): ["Biasa saja, tidak ada yang istimewa.", "Tidak terlalu saya pikirkan."],
}
EMOTIONS = {"pain": ("frustrated", "angry", "anxious", "disappointed"),
            "gain": ("satisfied", "delighted", "relieved"), "neutral": ("neutral",)}
NAMES = ("Siti Rahmawati", "Budi Santoso", "Dewi Lestari", "Agus Wijaya", "Rina Kusuma",
         "Andi Pratama", "Putri Handayani", "Joko Susilo")
PII_TEMPLATES = {
    "emails": ("You can e-mail me at {} if you need more.", "Kalau perlu, kirim email ke {} saja."),
    "phones": ("My number is {}, but nobody called back.", "Nomor saya {}, tapi tidak ditelepon balik."),
    "names": ("The staff member, {}, tried to help.", "Mbak {} dari toko mencoba membantu."),
}
P_PII = 0.15

FEATURES = {"numeric": ["age", "orders_12m", "avg_order_value", "online_share"],
            "ordinal": ["income_band", "digital_savvy", "price_sensitivity"],
            "categorical": ["gender", "city", "preferred_channel"]}
EXCERPT_COLUMNS = ["excerpt_id", "participant", "customer_id", "stage", "touchpoint", "channel",
                   "language", "text", "pain_point", "gain", "emotion", "emotion_score"]
_PARTS = {"population": 0, "sample": 1, "events": 2, "survey": 3, "interviews": 4}


# ============================================================================ public API
def make_demo(out, *, seed: int = 0, respondents: int = 2000, quarters=QUARTERS) -> Path:
    """Write the synthetic demo study to ``out`` and return the path of its ``study.yml``.

    Parameters
    ----------
    out : str or Path
        Folder to write (created if needed; files of an earlier demo are overwritten).
    seed : int, default 0
        Same seed, same files (byte for byte).
    respondents : int, default 2000
        Survey respondents a quarter; the customer population is ten times larger.
    quarters : sequence of str, default 2025Q4..2026Q3
        Quarters ``YYYYQn``; quarters from 2026Q2 on carry the payment fix.

    Returns
    -------
    Path
        ``out/study.yml``.

    Examples
    --------
    >>> path = make_demo("/tmp/cjm_demo", respondents=200)   # doctest: +SKIP
    >>> import cjm_research as cjm
    >>> cjm.load_study(path).quarter                         # doctest: +SKIP
    '2026Q3'
    """
    quarters = _check_args(seed, respondents, quarters)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fw = _write_framework(out)
    pop = _population(_rng(seed, 0, "population"), respondents * CUSTOMERS_PER_RESPONDENT)
    truth = _truth_header(pop)
    for q in tqdm(quarters, desc="cjm demo", unit="quarter"):
        _write_quarter(out, q, pop, fw, seed, respondents, truth)
    _write_yaml(out / "future_state.yml", future_state_file(quarters[-1]))
    _write_yaml(out / "study.yml", study_file(quarters, fw))
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return out / "study.yml"


def study_file(quarters, fw: JourneyFramework) -> dict:
    """The study mapping of the demo (columns named after the framework's stages and touchpoints)."""
    return {
        "name": "Demo retail CX tracker", "framework": "framework.yml", "language": "en",
        "min_cell_size": 5, "timezone": LOCAL_TZ,
        # The staff and participant names a researcher knows occur in the transcripts.
        "redact_names": list(NAMES),
        "survey": {
            "respondent_id": "respondent_id", "customer_id": "customer_id",
            "persona_features": FEATURES, "nps": "nps",
            "csat": {s: f"csat_{s}" for s in fw.stages}, "ces": {s: f"ces_{s}" for s in fw.stages},
            "touchpoint_ratings": {t: f"tp_{t}" for t in rated_touchpoints(fw)},
            "free_text": ["feedback"], "language": "language", "not_applicable": [0]},
        "interviews": {c: c for c in EXCERPT_COLUMNS},
        "events": {"customer": "customer_id", "timestamp": "timestamp", "event": "event",
                   "channel": "channel", "value": "value"},
        "quarters": {q: {"survey": f"{q}/survey.csv", "interviews": f"{q}/interviews.csv",
                         "events": f"{q}/events.parquet"} for q in quarters},
        "future_state": "future_state.yml", "truth": "truth.json",
    }


def rated_touchpoints(fw: JourneyFramework) -> list[str]:
    """Frontstage touchpoints that have events: the ones the survey asks customers to rate."""
    return [t.id for t in fw.touchpoints.values() if t.visibility == "frontstage" and t.events]


def future_state_file(baseline: str) -> dict:
    """The demo's future-state file: targets per stage and opportunities for each persona's pains."""
    opp = _opportunity
    return {
        "name": "Future state 2027", "baseline_quarter": baseline,
        # The designed purchase journey, which the report's conformance section measures.
        "path": ["product_page", "add_to_cart", "checkout", "payment", "purchase"],
        "stages": {
            "consideration": _target({"csat": 75, "ces": 3.0}, 0.4, ["app_browse", "store_visit"]),
            "decision": _target({"csat": 80, "ces": 3.0, "nps": 30, "conversion_rate": 40}, 0.5,
                                ["payment"], ("one_click_payment", "One-click payment")),
            "retention": _target({"csat": 75, "ces": 3.0, "repurchase_rate": 30}, 0.4,
                                 ["order_tracking", "call_centre_support"],
                                 ("live_delivery_map", "Live delivery map")),
            "advocacy": _target({"csat": 70, "nps": 35}, 0.5, ["referral"]),
        },
        "opportunities": [
            opp("Retry failed payments automatically", "decision", ["payment_failure"],
                "Payments partner", 5, 2, "csat", 10),
            opp("Show shipping costs on the product page", "decision", ["hidden_fees"],
                "E-commerce team", 3, 2, "conversion_rate", 3),
            opp("Stabilise the app product list", "consideration", ["app_crash"],
                "E-commerce team", 4, 3, "csat", 6),
            opp("Open extra cashiers at peak hours", "consideration", ["long_queue"],
                "Store staff", 3, 3, "csat", 4),
            opp("Call-back instead of waiting on hold", "retention", ["call_wait_time"],
                "Customer service", 4, 2, "ces", -0.5),
            opp("Live delivery tracking with courier updates", "retention", ["slow_delivery"],
                "Logistics", 4, 4, "csat", 8),
            opp("Fewer, personalised loyalty e-mails", "retention", ["too_many_emails"],
                "CRM team", 2, 1, "nps", 3),
        ],
    }


# ============================================================================ arguments and files
def _check_args(seed, respondents, quarters) -> list[str]:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"The value for `seed` must be a non-negative integer, but {seed!r} was passed.")
    if not isinstance(respondents, (int, np.integer)) or isinstance(respondents, bool) or respondents < 100:
        raise ParameterError("The value for `respondents` must be an integer of at least 100 (interviews "
                             f"need several respondents per persona), but {respondents!r} was passed.")
    if isinstance(quarters, str) or not len(quarters):
        raise ParameterError(f"The value for `quarters` must be a non-empty list of YYYYQn labels, "
                             f"but {quarters!r} was passed.")
    try:
        parsed = sorted({parse_quarter(q) for q in quarters})
    except ConfigError as exc:
        raise ParameterError(f"The value for `quarters` has a bad label: {exc}") from None
    return parsed


def _rng(seed: int, quarter_key: int, part: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, quarter_key, _PARTS[part]]))


def _quarter_key(q: str) -> int:
    return int(q[:4]) * 10 + int(q[-1])


def _write_framework(out: Path) -> JourneyFramework:
    ref = resources.files("cjm_research.core") / "frameworks" / "default.yml"
    (out / "framework.yml").write_bytes(ref.read_bytes())
    return JourneyFramework.load(out / "framework.yml")


def _write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")


def _target(targets: dict, emotion: float, changed: list, added: tuple = ()) -> dict:
    new = [{"id": added[0], "label": added[1], "channel": "app"}] if added else []
    return {"targets": targets, "emotion": emotion,
            "touchpoints": {"added": new, "removed": [], "changed": changed}}


def _opportunity(title, stage, pains, owner, impact, effort, metric, value) -> dict:
    return {"title": title, "stage": stage, "pain_points": pains, "owner": owner,
            "impact": impact, "effort": effort, "expected_lift": {"metric": metric, "value": value}}


# ============================================================================ population
def _population(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Customers with a fixed latent persona and stable traits (the survey reports these)."""
    counts = np.floor(SHARES * n).astype(int)
    counts[0] += n - counts.sum()
    persona = rng.permutation(np.repeat(np.arange(4), counts))
    ids = pd.unique(rng.integers(10**18, 9 * 10**18, size=n + 64))[:n]   # 19 digits, beyond float precision
    pick = lambda table: np.asarray(table)[persona]                       # noqa: E731 - per-row lookup
    age = rng.normal(pick(AGE)[:, 0], pick(AGE)[:, 1])
    online = rng.beta(pick(ONLINE)[:, 0], pick(ONLINE)[:, 1])
    return pd.DataFrame({
        "customer_id": ids.astype(np.int64), "persona": persona,
        "age": np.clip(np.round(age), 18, 80).astype(int),
        "orders_12m": rng.poisson(pick(ORDERS)),
        "avg_order_value": np.round(pick(AOV) * np.exp(rng.normal(0, 0.3, n)), -3).astype(np.int64),
        "online_share": np.round(online, 3),
        "income_band": _ordinal(rng, pick(INCOME)), "digital_savvy": _ordinal(rng, pick(SAVVY)),
        "price_sensitivity": _ordinal(rng, pick(PRICE)),
        "gender": np.where(rng.random(n) < pick(FEMALE), "female", "male"),
        "city": np.asarray(CITIES)[_categorical(rng, np.stack(CITY_P)[persona])],
        "preferred_channel": np.asarray(CHANNELS)[_categorical(rng, np.asarray(CHANNEL_P)[persona])],
        "language": np.where(rng.random(n) < pick(INDONESIAN), "id", "en"),
    })


def _ordinal(rng, centre, sd: float = 0.7) -> np.ndarray:
    return np.clip(np.round(rng.normal(centre, sd)), 1, 5).astype(int)


def _categorical(rng, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) probability matrix, vectorised."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return (rng.random((len(probs), 1)) > cum[:, :-1]).sum(axis=1)


def _truth_header(pop: pd.DataFrame) -> dict:
    return {
        "k": 4, "personas": {p: {"name": PERSONA_NAMES[p]} for p in PERSONAS},
        "population_shares": {p: round(float(s), 4) for p, s in
                              zip(PERSONAS, np.bincount(pop.persona, minlength=4) / len(pop))},
        "timezone": LOCAL_TZ, "respondents": {},
        "customers": dict(zip(pop.customer_id.astype(str), np.asarray(PERSONAS)[pop.persona])),
        "pain_point": {"persona": "P2", "stage": "decision", "touchpoint": "payment",
                       "code": "payment_failure"},
        "intervention": {"quarter": INTERVENTION, "stage": "decision", "persona": "P2"},
        "unchanged_stages": [s for s in STAGES if s != "decision"],
        "pii": {"emails": [], "phones": [], "names": []}, "quarters": {},
    }


# ============================================================================ one quarter
def _phase(q: str) -> str:
    return "after" if q >= INTERVENTION else "before"


def _write_quarter(out: Path, q: str, pop: pd.DataFrame, fw, seed: int, n: int, truth: dict) -> None:
    key = _quarter_key(q)
    folder = out / q
    folder.mkdir(exist_ok=True)
    resp = _sample(_rng(seed, key, "sample"), pop.persona.to_numpy(), n)
    events, used = _events(_rng(seed, key, "events"), pop, resp, q, fw)
    survey = _survey(_rng(seed, key, "survey"), pop, resp, q, used, fw)
    excerpts, pii = _interviews(_rng(seed, key, "interviews"), pop, survey, q, fw)
    survey.drop(columns="persona").to_csv(folder / "survey.csv", index=False, float_format="%.3f",
                                          lineterminator="\n")
    excerpts.to_csv(folder / "interviews.csv", index=False, float_format="%.2f", lineterminator="\n")
    pq.write_table(events, folder / "events.parquet")
    truth["respondents"].update(zip(survey.respondent_id, np.asarray(PERSONAS)[survey.persona]))
    for kind, values in pii.items():
        truth["pii"][kind] = sorted(set(truth["pii"][kind]) | set(values))
    truth["quarters"][q] = _quarter_truth(q, survey, events.num_rows)


def _sample(rng, persona: np.ndarray, n: int) -> np.ndarray:
    """Quota sample of respondents: persona shares as in the population, as trackers do with quotas."""
    quota = np.floor(SHARES * n).astype(int)
    quota[0] += n - quota.sum()
    picks = [rng.choice(np.flatnonzero(persona == i), size=k, replace=False) for i, k in enumerate(quota)]
    return np.sort(np.concatenate(picks))


def _quarter_truth(q: str, survey: pd.DataFrame, n_events: int) -> dict:
    """The planted rates of a quarter, so tests compare estimates with what was used."""
    phase = _phase(q)
    mu = _stage_means(phase)
    sd = math.hypot(PERSON_SD, ITEM_SD)
    top2 = {p: {s: round(_norm_sf((3.5 - mu[i, j]) / sd), 4) for j, s in enumerate(STAGES)}
            for i, p in enumerate(PERSONAS)}
    shares = np.bincount(survey.persona, minlength=4) / len(survey)
    return {"phase": phase, "respondents": int(len(survey)), "events": int(n_events),
            "respondent_shares": {p: round(float(s), 4) for p, s in zip(PERSONAS, shares)},
            "csat_top2_probability": top2,
            "p2_decision_top2_probability": top2["P2"]["decision"],
            "payment_failure_probability": dict(zip(PERSONAS, FAIL[phase]))}


def _norm_sf(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2))


def _stage_means(phase: str) -> np.ndarray:
    mu = MU.copy()
    mu[1, STAGES.index("decision")] += PAIN_SHIFT[phase]
    return mu


# ============================================================================ events
class _Journal:
    """Collects event rows as arrays (session, local second, event code) without loops per row."""

    def __init__(self, session_customer: np.ndarray):
        self.customer, self.parts = session_customer, []

    def emit(self, mask, seconds, event: str, value=None) -> None:
        idx = np.flatnonzero(mask)
        val = np.full(len(idx), np.nan) if value is None else np.asarray(value, float)[idx]
        self.parts.append((self.customer[idx], np.asarray(seconds)[idx].astype(np.int64),
                           np.full(len(idx), EVENTS.index(event), dtype=np.int8), val))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return tuple(np.concatenate(cols) for cols in zip(*self.parts))


def _events(rng, pop: pd.DataFrame, resp: np.ndarray, q: str, fw):
    """Journeys of every surveyed customer and a random share of the others, per persona.

    Returns the event frame and a (respondents x touchpoints) usage matrix for the survey.
    """
    others = np.setdiff1d(np.arange(len(pop)), resp)
    active = np.concatenate([resp, others[rng.random(len(others)) < ACTIVE]])
    persona = pop.persona.to_numpy()[active]
    n_sessions = 1 + rng.poisson(np.asarray(SESSIONS)[persona])
    s_cust = np.repeat(np.arange(len(active)), n_sessions)
    sp = persona[s_cust]
    start, ndays = _quarter_start_local(q)
    day = rng.integers(1, ndays - 1, len(s_cust))   # keeps every session inside the UTC quarter
    t0 = day * 86400 + _hours(rng, sp) * 3600 + rng.integers(0, 3600, len(s_cust))
    journal = _Journal(s_cust)
    aov = pop.avg_order_value.to_numpy()[active][s_cust]
    purchase_t, bought = _sessions(rng, journal, sp, t0, aov, _phase(q))
    _after_purchase(rng, journal, sp, t0, purchase_t, bought, aov)
    return _event_frame(journal, pop, active, start, q, fw, len(resp))


def _sessions(rng, j: _Journal, sp, t0, aov, phase: str):
    """One visit each: awareness entry, browsing, then the funnel with payment failures and retries."""
    n = len(sp)
    rand = lambda p: rng.random(n) < np.asarray(p)[sp]   # noqa: E731 - persona-specific Bernoulli
    gap = lambda lo, hi: rng.integers(lo, hi, n)          # noqa: E731 - seconds between steps
    clock = t0.copy()
    store = rand(P_STORE)
    online = ~store
    j.emit(store, clock, "store_visit")
    steps = [("ad_view", online & rand(P_AD))]
    steps.append(("ad_click", steps[0][1] & (rng.random(n) < 0.35)))
    steps.append(("search", online & rand(P_SEARCH)))
    steps.append(("landing_view", (steps[1][1] | steps[2][1]) & (rng.random(n) < 0.6)))
    steps += [("whatsapp_chat", online & rand(P_WHATSAPP)), ("app_browse", online & rand(P_APP))]
    for event, mask in steps:
        j.emit(mask, clock, event)
        clock = clock + mask * gap(20, 240)
    views = online * np.minimum(1 + rng.poisson(0.8, n), 3)
    for k in range(3):
        j.emit(views > k, clock, "product_view")
        clock = clock + (views > k) * gap(30, 300)
    cart = online & rand(P_CART)
    checkout = cart & rand(P_CHECKOUT)
    j.emit(cart, clock, "add_to_cart")
    clock = clock + gap(30, 600)
    j.emit(checkout, clock, "checkout")
    clock = clock + gap(20, 180)
    return _payments(rng, j, sp, clock, checkout & (rng.random(n) < P_PAY), aov, phase)


def _payments(rng, j: _Journal, sp, clock, pay, aov, phase: str):
    """Up to two payment attempts; failures come from the persona's (and phase's) failure rate."""
    n = len(sp)
    fail_p = np.asarray(FAIL[phase])[sp]
    fail1 = pay & (rng.random(n) < fail_p)
    j.emit(pay, clock, "payment")
    j.emit(fail1, clock + rng.integers(15, 60, n), "payment_failed")
    retry = fail1 & (rng.random(n) < P_RETRY)
    clock = clock + fail1 * rng.integers(90, 400, n)
    fail2 = retry & (rng.random(n) < fail_p)
    j.emit(retry, clock, "payment")
    j.emit(fail2, clock + rng.integers(15, 60, n), "payment_failed")
    bought = (pay & ~fail1) | (retry & ~fail2)
    clock = clock + rng.integers(5, 30, n)
    j.emit(bought, clock, "purchase", _order_value(rng, aov))
    return clock, bought


def _after_purchase(rng, j: _Journal, sp, t0, purchase_t, bought, aov) -> None:
    """Retention and advocacy events days later, at the persona's usual hours."""
    n = len(sp)
    for event, (probs, lo, hi, needs_purchase) in LATER.items():
        base = purchase_t if needs_purchase else t0
        mask = rng.random(n) < np.asarray(probs)[sp]
        mask &= bought if needs_purchase else True
        day = base // 86400 + rng.integers(lo, hi + 1, n)
        t = day * 86400 + _hours(rng, sp) * 3600 + rng.integers(0, 3600, n)
        t = np.maximum(t, base + 60)     # never before the purchase it follows
        value = _order_value(rng, aov) if event == "repeat_purchase" else None
        j.emit(mask, t, event, value)


def _order_value(rng, aov) -> np.ndarray:
    return np.round(aov * np.exp(rng.normal(0, 0.35, len(aov))), -3)


def _hours(rng, sp) -> np.ndarray:
    """Hour of day (Jakarta time) from each persona's daily rhythm."""
    return _categorical(rng, _hour_profile()[sp])


def _hour_profile() -> np.ndarray:
    hours = np.arange(24)
    prof = np.full((4, 24), 0.02)
    for i, bumps in enumerate(HOUR_BUMPS):
        for centre, width, weight in bumps:
            dist = np.minimum(abs(hours - centre), 24 - abs(hours - centre))   # circular distance
            prof[i] += weight * np.exp(-0.5 * (dist / width) ** 2)
    return prof / prof.sum(axis=1, keepdims=True)


def _quarter_start_local(q: str) -> tuple[pd.Timestamp, int]:
    end = quarter_end(q)
    start = pd.Timestamp(year=int(q[:4]), month=3 * int(q[-1]) - 2, day=1, tz="UTC")
    return start, (end - start).days


def _event_frame(j: _Journal, pop, active, start, q: str, fw, n_resp: int):
    """The quarter's event table (Arrow, sorted by time) and the respondents' touchpoint usage."""
    cust, sec, code, value = j.arrays()
    # Seconds are Jakarta wall-clock time from the quarter's first midnight; store them as UTC.
    ns = (start.value + (sec - UTC_OFFSET_H * 3600) * 10**9).astype(np.int64)
    keep = ns < quarter_end(q).value
    order = np.lexsort((code[keep], cust[keep], ns[keep]))
    cust, ns, code, value = cust[keep][order], ns[keep][order], code[keep][order], value[keep][order]
    channel = [fw.touchpoints[fw.touchpoint_of_event(e)].channel for e in EVENTS]
    ids = pa.array(pop.customer_id.to_numpy()[active][cust])
    table = pa.table({
        "customer_id": pc.cast(ids, pa.string()),
        "timestamp": pa.array(ns, type=pa.timestamp("ns", tz="UTC")),
        "event": pa.array(EVENTS, pa.string()).take(pa.array(code)),
        "channel": pa.array(channel, pa.string()).take(pa.array(code)),
        "value": pa.array(value, from_pandas=True)})
    return table, _usage(cust, code, n_resp, fw)


def _usage(cust, code, n_resp: int, fw) -> pd.DataFrame:
    """Which rated touchpoints each respondent used in the quarter (respondents come first in ``active``)."""
    used = np.zeros((n_resp, len(EVENTS)), bool)
    mine = cust < n_resp
    used[cust[mine], code[mine]] = True
    tp_of = np.asarray([fw.touchpoint_of_event(e) for e in EVENTS])
    return pd.DataFrame({tp: used[:, tp_of == tp].any(axis=1) for tp in rated_touchpoints(fw)})


# ============================================================================ survey
def _survey(rng, pop: pd.DataFrame, resp: np.ndarray, q: str, used: pd.DataFrame, fw) -> pd.DataFrame:
    """One row per respondent: profile, NPS, stage CSAT/CES, touchpoint ratings and free text."""
    n = len(resp)
    people = pop.iloc[resp].reset_index(drop=True)
    p = people.persona.to_numpy()
    start, ndays = _quarter_start_local(q)
    date = start.tz_localize(None) + pd.to_timedelta(rng.integers(0, ndays, n), unit="D")
    order = np.argsort(date.to_numpy(), kind="stable")
    people, p, date, used = people.iloc[order].reset_index(drop=True), p[order], date[order], used.iloc[order]
    halo = rng.normal(0, PERSON_SD, n)
    latent = _stage_means(_phase(q))[p] + halo[:, None] + rng.normal(0, ITEM_SD, (n, len(STAGES)))
    out = pd.DataFrame({"respondent_id": [f"R{q}-{i:05d}" for i in range(1, n + 1)],
                        "customer_id": people.customer_id, "quarter": q,
                        "response_date": date.strftime("%Y-%m-%d"), "language": people.language})
    out = pd.concat([out, _profile(rng, people), _ratings(rng, latent, halo, p, used, q, fw)], axis=1)
    out["feedback"] = _feedback(rng, out, p, q)
    out["persona"] = p
    return out


def _profile(rng, people: pd.DataFrame) -> pd.DataFrame:
    """Persona features with a few unanswered items (missing at random)."""
    prof = people[[c for cols in FEATURES.values() for c in cols]].copy()
    for col, share in (("avg_order_value", 0.015), ("income_band", 0.02), ("online_share", 0.01),
                       ("age", 0.005)):
        missing = rng.random(len(prof)) < share
        prof[col] = prof[col].astype("Float64" if col == "online_share" else "Int64").mask(missing)
    return prof


def _ratings(rng, latent, halo, p, used: pd.DataFrame, q: str, fw) -> pd.DataFrame:
    n = len(p)
    cols = {"nps": _nps(rng, latent)}
    for j, stage in enumerate(STAGES):
        csat = np.clip(np.round(latent[:, j]), 1, 5).astype(int)
        csat[rng.random(n) < (0.02 if stage == "advocacy" else 0.008)] = 0   # "not applicable"
        ces = np.clip(np.round(7.6 - 1.3 * latent[:, j] + rng.normal(0, 0.7, n)), 1, 7)
        cols[f"csat_{stage}"] = csat
        cols[f"ces_{stage}"] = pd.array(ces, dtype="Int64").copy()
        cols[f"ces_{stage}"][rng.random(n) < 0.01] = pd.NA
    for tp in used.columns:
        cols[f"tp_{tp}"] = _touchpoint_rating(rng, tp, halo, p, used[tp].to_numpy(), q, fw)
    return pd.DataFrame(cols)


def _nps(rng, latent) -> pd.array:
    score = np.clip(np.round(2.5 * latent.mean(axis=1) - 1.2 + rng.normal(0, 1.2, len(latent))), 0, 10)
    out = pd.array(score, dtype="Int64").copy()
    out[rng.random(len(latent)) < 0.005] = pd.NA
    return out


def _touchpoint_rating(rng, tp: str, halo, p, used, q: str, fw) -> np.ndarray:
    """1..5 from the stage's satisfaction plus touchpoint effects; 0 when the customer did not use it."""
    stage = STAGES.index(fw.touchpoints[tp].stage)
    mu = MU[p, stage] + np.array([TP_OFFSET.get(i, {}).get(tp, 0.0) for i in range(4)])[p]
    mu = mu + (p == 1) * PAIN_SHIFT[_phase(q)] * TP_PAIN.get(tp, 0.0)
    rating = np.clip(np.round(mu + halo + rng.normal(0, ITEM_SD, len(p))), 1, 5).astype(int)
    return np.where(used, rating, 0)


def _feedback(rng, survey: pd.DataFrame, p, q: str) -> list[str]:
    """About half leave a comment: about their worst stage when unhappy, their best stage otherwise."""
    csat = survey[[f"csat_{s}" for s in STAGES]].to_numpy(float, copy=True)
    csat[csat == 0] = 3          # "not applicable" counts as neither best nor worst
    unhappy = (csat.min(axis=1) <= 2) | (survey.nps.fillna(7).to_numpy() <= 5)
    stage = np.where(unhappy, csat.argmin(axis=1), csat.argmax(axis=1))
    texts = []
    for i in np.flatnonzero(rng.random(len(p)) < 0.5):
        code = _pick_code(rng, p[i], STAGES[stage[i]], "pain" if unhappy[i] else "gain", q)
        texts.append((i, _sentence(rng, code, survey.language.iat[i])))
    out = [""] * len(p)
    for i, text in texts:
        out[i] = text
    return out


# ============================================================================ interviews
def _pick_code(rng, persona: int, stage: str, kind: str, q: str) -> str:
    codes, cum = _code_table(persona, stage, kind, _phase(q))
    return codes[int(np.searchsorted(cum, rng.random(), side="right"))]


@lru_cache(maxsize=None)
def _code_table(persona: int, stage: str, kind: str, phase: str) -> tuple[list[str], np.ndarray]:
    """Codes of a stage and kind with the persona's cumulative probabilities."""
    codes = [c for c, spec in CODES.items() if spec[0] == kind and spec[1] == stage]
    w = np.array([_weight(CODE_WEIGHT[persona].get(c, 1.0), phase) for c in codes])
    return codes, np.cumsum(w / w.sum())[:-1]


def _weight(spec, phase: str) -> float:
    """A weight, or ``("before", w_before, w_after)`` for weights the intervention changes."""
    if isinstance(spec, tuple):
        return spec[1] if phase == "before" else spec[2]
    return float(spec)


def _sentence(rng, code: str, language: str) -> str:
    variants = CODES[code][3 if language == "en" else 4]
    return variants[rng.integers(len(variants))]


def _interviews(rng, pop, survey: pd.DataFrame, q: str, fw):
    """About 25 interviewed respondents a quarter, 6-10 coded excerpts each, some with planted PII."""
    people = []
    for persona, k in enumerate(INTERVIEWEES):
        pool = np.flatnonzero(survey.persona.to_numpy() == persona)
        people += list(rng.choice(pool, size=min(k, len(pool)), replace=False))
    rows, pii = [], {"emails": [], "phones": [], "names": []}
    for num, i in enumerate(sorted(people), start=1):
        who = (f"{q}-I{num:02d}", str(survey.customer_id.iat[i]), int(survey.persona.iat[i]),
               survey.language.iat[i])
        rows += [_excerpt(rng, who, j, q, fw, pii) for j in _guide(rng, who[2], q)]
    frame = pd.DataFrame(rows, columns=EXCERPT_COLUMNS[1:])
    frame.insert(0, "excerpt_id", [f"{q}-E{i:04d}" for i in range(1, len(frame) + 1)])
    return frame, pii


def _guide(rng, persona: int, q: str) -> np.ndarray:
    """Stages discussed, in journey order: the discussion guide visits every stage once, and
    the participant's remaining 1-5 excerpts fall on the stages that matter most to them."""
    w = np.array([_weight(STAGE_WEIGHT[persona].get(s, 1.0), _phase(q)) for s in STAGES])
    extra = rng.choice(len(STAGES), size=rng.integers(1, 6), p=w / w.sum())
    return np.sort(np.concatenate([np.arange(len(STAGES)), extra]))


def _excerpt(rng, who: tuple, j: int, q: str, fw, pii: dict) -> list:
    participant, customer, persona, lang = who
    mu = _stage_means(_phase(q))[persona]
    p_pain = np.clip((4.2 - mu[j]) / 1.4, 0.08, 0.85)
    kind = rng.choice(["pain", "gain", "neutral"], p=[0.9 * p_pain, 0.9 * (1 - p_pain), 0.1])
    if kind == "neutral":
        tps = [t.id for t in fw.touchpoints_in(STAGES[j], "frontstage")]
        code, tp, text = None, tps[rng.integers(len(tps))], ""
    else:
        code = _pick_code(rng, persona, STAGES[j], kind, q)
        tp, text = CODES[code][2], _sentence(rng, code, lang) + " "
    options = ELABORATION[(kind, lang)]
    text += options[rng.integers(len(options))]
    if rng.random() < P_PII:
        text += " " + _plant_pii(rng, lang, pii)
    score = {"pain": -rng.uniform(0.35, 0.95), "gain": rng.uniform(0.3, 0.9),
             "neutral": rng.uniform(-0.15, 0.15)}[kind]
    emotions = EMOTIONS[kind]
    return [participant, customer, STAGES[j], tp, fw.touchpoints[tp].channel, lang, text,
            code if kind == "pain" else None, code if kind == "gain" else None,
            emotions[rng.integers(len(emotions))], round(float(score), 2)]


def _plant_pii(rng, lang: str, pii: dict) -> str:
    """A sentence with an e-mail address, an Indonesian phone number or a name; remembered in ``pii``."""
    kind = ("emails", "phones", "names")[rng.integers(3)]
    name = NAMES[rng.integers(len(NAMES))]
    if kind == "emails":
        first, last = name.lower().split()
        value = f"{first}.{last}{rng.integers(10, 99)}@{('gmail.com', 'yahoo.co.id')[rng.integers(2)]}"
    elif kind == "phones":
        d = lambda k: "".join(map(str, rng.integers(0, 10, k)))   # noqa: E731 - k random digits
        value = (f"+62 812-{d(4)}-{d(4)}", f"0813-{d(4)}-{d(4)}", f"(021) {d(4)} {d(4)}")[rng.integers(3)]
    else:
        value = name
    pii[kind].append(value)
    return PII_TEMPLATES[kind][0 if lang == "en" else 1].format(value)
