"""Property: exporting the pipeline and importing it into an empty ledger gives the same pipeline."""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import DealOpened, NoteAdded, append_event, stamp
from queries import Store
from queries.export import PIPELINE, pipeline_rows, write_table
from tui.cli import main

COMPARED = ("name", "owner", "account", "stage", "stage_kind", "amount", "priority", "close_date", "next_action", "due")

# User text as a CRM cell holds it: commas, quotes, line breaks, accents; no space around (cells are trimmed).
words = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
                | st.sampled_from(',";\n'), min_size=1, max_size=20)
texts = words.map(str.strip).filter(bool)
dates = st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31))
deal = st.fixed_dictionaries({
    "name": texts, "owner": texts, "account": st.none() | texts,
    "stage": st.sampled_from(("lead", "qualified", "proposal", "quote", "negotiation", "won", "lost", "inactive")),
    "amount": st.integers(0, 10**11).map(lambda cents: cents / 100),
    "priority": st.sampled_from(("must", "should", "could")),
    "close_date": st.none() | dates,
    "note": st.none() | st.tuples(texts, st.none() | dates),
})
pipelines = st.dictionaries(texts.filter(lambda s: "\n" not in s), deal, min_size=1, max_size=8)


def pipeline(ledger: Path) -> dict:
    with Store.open(ledger, cache=False) as store:
        return {d.deal: tuple(getattr(d, f) for f in COMPARED) for d in store.pipeline()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pipelines)
def test_export_then_import_into_an_empty_ledger_gives_the_same_pipeline(deals):
    with tempfile.TemporaryDirectory() as tmp:
        source, target, sheet = Path(tmp, "a.jsonl"), Path(tmp, "b.jsonl"), Path(tmp, "pipeline.csv")
        for deal_id, d in deals.items():
            append_event(source, stamp(DealOpened, deal=deal_id, name=d["name"], owner=d["owner"],
                                       account=d["account"], stage=d["stage"], amount=d["amount"],
                                       priority=d["priority"], close_date=d["close_date"]))
            if d["note"]:
                append_event(source, stamp(NoteAdded, deal=deal_id, text=d["note"][0], due=d["note"][1]))
        with Store.open(source, cache=False) as store:
            write_table(pipeline_rows(store.pipeline()), PIPELINE, sheet, "csv")
        assert main(["--ledger", str(target), "import", str(sheet)]) == 0
        assert pipeline(target) == pipeline(source)
        before = target.read_bytes()
        assert main(["--ledger", str(target), "import", str(sheet)]) == 0
        assert target.read_bytes() == before
