"""The story the bundled sample tells (scripts/make_sample.py plays it): the team and its targets, the stage
table and how deals move through it, the accounts and products, and the Mekong Logistics deal's months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

SEED = 218  # chosen so that the months tell the stories tests/test_sample.py checks
TEAM_ZONE = "Asia/Ho_Chi_Minh"  # the team's time zone, set on the first line (+07:00 all year, no DST)
TZ = dt.timezone(dt.timedelta(hours=7))
FIRST_DAY, LAST_DAY = dt.date(2026, 8, 1), dt.date(2026, 11, 30)
PIPELINE_DAY = dt.date(2026, 8, 3)  # the first Monday: the reps enter the deals they already have
MANAGER = "hana"
REPS = ("lan", "marco", "priya", "sam")

# period -> {owner: target} (None: the team), set on the last weekday before the month.
TARGETS = {
    "2026-08": {None: 100_000, "lan": 26_000, "marco": 24_000, "priya": 28_000, "sam": 22_000},
    "2026-09": {None: 105_000, "lan": 27_000, "marco": 25_000, "priya": 29_000, "sam": 23_000},
    "2026-10": {None: 130_000, "lan": 34_000, "marco": 31_000, "priya": 36_000, "sam": 29_000},
    "2026-11": {None: 135_000, "lan": 35_000, "marco": 32_000, "priya": 38_000, "sam": 30_000},
}
SAM_REVISED = (dt.date(2026, 9, 14), "2026-09", 18_000)  # sam hands four deals to marco; his target follows

# The team's stage table: 'demo' goes in after qualified, so the stages after it move down one.
TEAM_STAGES = (
    ("demo", Decimal("0.3"), 25, 3, "open"),
    ("proposal", Decimal("0.4"), 21, 4, "open"),
    ("quote", Decimal("0.6"), 14, 5, "open"),
    ("negotiation", Decimal("0.8"), 7, 6, "open"),
    ("won", Decimal(1), 0, 7, "won"),
    ("lost", Decimal(0), 0, 8, "lost"),
    ("inactive", Decimal(0), 0, 9, "inactive"),
)
NEGOTIATION_REVIEWED = dt.date(2026, 9, 1)  # August showed negotiations closing less often than 80%
PATH = ("lead", "qualified", "demo", "proposal", "quote", "negotiation")
RATE = {"lead": 0.1, "qualified": 0.2, **{stage: float(rate) for stage, rate, *_ in TEAM_STAGES}}
LEAD_DAYS = {"lead": 45, "qualified": 30, "demo": 25, "proposal": 21, "quote": 14, "negotiation": 7}
# A decision at a stage moves the deal on with this chance; their products give the stage rates.
ADVANCE = {"lead": 0.5, "qualified": 0.67, "demo": 0.75, "proposal": 0.67, "quote": 0.75, "negotiation": 0.8}
DWELL = {"lead": 12, "qualified": 6, "demo": 5, "proposal": 7, "quote": 6, "negotiation": 5}  # calendar days
COVER = 2.0  # reps mark must-haves until their amounts reach twice what is left of their target
OPEN_RATE = 0.25  # twice a working day, a rep opens a new deal with this chance
WEEKEND_ACTIVITY = 0.08

ACCOUNTS = (
    "Mekong Logistics", "Lotus Foods", "Saigon Coffee Roasters", "Blue Lagoon Resorts", "Hanoi Steelworks",
    "Delta Agritech", "Pearl River Textiles", "Orchid Pharmacy Chain", "Tan Binh Motors", "Coral Bay Hotels",
    "Sunrise Dairy", "Golden Lotus Jewellers", "Red River Brewing", "Ha Long Bakeries", "Phoenix Garments",
    "Andaman Seafoods", "Bamboo Home Furnishing", "Chao Phraya Cold Chain", "Emerald Clinics", "Jade Stone Builders",
    "Lighthouse Schools", "Monsoon Airline Catering", "Nam Long Properties", "Oceanic Ports", "Paddy Field Rice Mills",
    "Quang Trung Hardware", "Riverbank Markets", "Siam Auto Parts", "Teak & Tile Interiors", "Unity Pharma",
    "Vinh Hoa Plastics", "West Lake Apartments", "Yen Bai Tea Estates", "Zenith Electronics", "Ayutthaya Ceramics",
    "Borneo Timber", "Cebu Fresh Produce", "Da Nang Fisheries", "Eastern Star Cinemas", "Fansipan Outdoor",
    "Green Leaf Grocers", "Hilltop Coffee Works", "Iris Beauty Salons", "Java Print House", "Klong Canal Tours",
)
PRODUCTS = (
    "POS terminals", "fleet tracking pilot", "inventory module", "annual licence renewal", "onboarding and training",
    "extra seats", "API integration", "warehouse scanners", "analytics add-on", "support upgrade",
    "loyalty app", "e-invoicing module", "store Wi-Fi bundle", "barcode printers", "payroll connector",
)
BIG_PRODUCTS = ("group-wide rollout", "multi-site ERP migration", "national fleet tracking", "five-year platform deal")
NEXT_STEPS = {
    "lead": ("Intro call to qualify budget", "Find the decision maker", "Send company overview"),
    "qualified": ("Book the product demo", "Confirm budget owner", "Map the buying committee"),
    "demo": ("Run demo for the ops team", "Send demo recording and answers", "Set up a trial account"),
    "proposal": ("Send the proposal", "Walk the CFO through the proposal", "Revise scope after feedback"),
    "quote": ("Send the formal quote", "Chase the PO number", "Answer procurement's questions"),
    "negotiation": ("Agree payment terms", "Get the contract signed", "Legal review of the MSA"),
    "inactive": ("Check in after their budget freeze", "Ping the champion next month"),
    "won": ("Hand over to onboarding", "Kick-off call with the customer"),
    "lost": ("Ask for a debrief on the loss",),
}

# Mekong Logistics, October's lesson: a big deal split in September whose must-have tranche, the one that
# made October look safe, is lost mid-month. day -> (0 the whole deal or 1-3 a tranche, action, argument).
MEKONG_TRANCHES = ((0.45, "must", None), (0.3, "should", dt.date(2026, 11, 27)), (0.25, "could", dt.date(2026, 12, 18)))
MEKONG_STORY = {
    dt.date(2026, 8, 19): ((0, "stage", "demo"), (0, "note", "Onsite demo at the Can Tho depot")),
    dt.date(2026, 9, 2): ((0, "stage", "proposal"), (0, "close", dt.date(2026, 10, 16))),
    dt.date(2026, 9, 9): ((0, "split", MEKONG_TRANCHES), (1, "note", "Phase 1 (Can Tho depot): send pricing")),
    dt.date(2026, 9, 23): ((1, "stage", "quote"),),
    dt.date(2026, 9, 30): ((1, "stage", "negotiation"), (1, "note", "Final pricing call with their COO")),
    dt.date(2026, 10, 7): ((1, "note", "Contract with their legal; signature expected Oct 15"),),
    dt.date(2026, 10, 14): ((1, "drop", "lost"), (1, "note", "Lost to the incumbent on price: ask for a debrief"),
                            (2, "drop", "inactive")),
    dt.date(2026, 11, 4): ((3, "drop", "lost"),),
    dt.date(2026, 11, 9): ((2, "stage", "proposal"), (2, "note", "Phase 2 back on: new budget approved")),
    dt.date(2026, 11, 16): ((2, "stage", "quote"),),
    dt.date(2026, 11, 23): ((2, "stage", "negotiation"),),
    dt.date(2026, 11, 27): ((2, "stage", "won"),),
}
