"""Writers killed with SIGKILL at random moments lose no acknowledged event, and the ledger stays readable."""

import random
import signal
import subprocess
import sys
import time

from ledger import NoteAdded, append_event, read_ledger, stamp
from tests.test_ledger_writer import open_deal

WRITER = """
import sys
from ledger import LedgerWriter, NoteAdded, stamp
writer = LedgerWriter(sys.argv[1])
for i in range(100000):
    event = stamp(NoteAdded, deal="D-1", text=f"{sys.argv[2]}-{i}")
    writer.append(event)
    print(event.id, flush=True)  # acknowledged: printed only after the append returned
"""


def test_sigkilled_writers_lose_no_acknowledged_event(tmp_path):
    path = tmp_path / "l.jsonl"
    open_deal(path)
    rng = random.Random(7)
    acknowledged: set[str] = set()
    kills = 0
    for round_ in range(6):
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"r{round_}w{w}"],
                                  stdout=subprocess.PIPE, text=True) for w in range(3)]
        for proc in procs:  # each writer is under way (one event acknowledged) before the kill, however slow
            assert proc.stdout is not None
            acknowledged.update(proc.stdout.readline().split())
        time.sleep(rng.uniform(0.0, 0.5))  # then a random moment, mid-append or not
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        for proc in procs:
            out, _ = proc.communicate()
            acknowledged.update(out.split())
    append_event(path, stamp(NoteAdded, deal="D-1", text="after the crashes"))
    ledger = read_ledger(path)
    assert ledger.ok, ledger.problems[:3]
    ids = {event.id for event in ledger.events}
    assert kills == 18 and len(acknowledged) >= 18  # every writer acknowledged at least its first event
    assert acknowledged <= ids
