"""`dealbook calibrate --apply`: the measured rates and lead times written to the stage table, old against new; rates per owner."""

from __future__ import annotations

import argparse
import sys

from rich.table import Table
from rich.text import Text

from queries.learned_rates import LearnedStage, learned
from queries.model import StageCalibration
from tui.text import cell, percent


def owners_table(stages: list[StageCalibration]) -> Table | None:
    """Per stage, the measured rate of the team and of each owner, each with the closed deals it rests on."""
    owners = sorted({o.owner for s in stages for o in s.by_owner})
    if not owners:
        return None
    table = Table(header_style="bold", title="measured rate (closed deals) per owner", title_justify="left")
    table.add_column("stage")
    table.add_column("team", justify="right")
    for owner in owners:
        table.add_column(cell(owner, 14), justify="right")
    for s in stages:
        if s.kind != "open":
            continue
        by = {o.owner: o for o in s.by_owner}
        table.add_row(cell(s.stage), _rate(s.measured_rate, s.deals),
                      *(_rate(by[o].measured_rate, by[o].deals) if o in by else Text("") for o in owners))
    return table


def _rate(rate: float | None, deals: int) -> Text:
    return Text("" if rate is None else f"{percent(rate)} ({deals})")


def changes_table(stages: list[LearnedStage], min_closed: int) -> Table:
    """Old against new, stage by stage, with what each figure rests on."""
    table = Table(header_style="bold", title=f"stage table: configured -> measured (figures resting on >= "
                                             f"{min_closed} deals)", title_justify="left")
    for name in ("stage", "rate", "new rate", "lead", "new lead", "closed", "won", ""):
        table.add_column(name, justify="left" if name in ("stage", "") else "right")
    for s in stages:
        table.add_row(cell(s.stage), Text(_share(s.rate)), Text(_share(s.new_rate) if s.new_rate != s.rate else "="),
                      Text(str(s.lead_days)), Text(str(s.new_lead_days) if s.new_lead_days != s.lead_days else "="),
                      Text(str(s.deals)), Text(str(s.won_deals)), Text("changes" if s.changes else "kept"))
    return table


def _share(rate) -> str:
    """A rate as a percent with as many decimals as it has (71.6216%), never rounded away."""
    text = f"{rate * 100:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def proposals(stages: list[StageCalibration], min_closed: int) -> list[LearnedStage]:
    """learned(), with a bad --min-closed said as a command error."""
    from tui.cli.common import CommandError

    try:
        return learned(stages, min_closed)
    except ValueError as err:
        raise CommandError(str(err)) from None


def run_apply(args: argparse.Namespace, proposals: list[LearnedStage]) -> tuple[list[LearnedStage], list[object]]:
    """Append a stage_defined for every open stage whose measured figures differ: (the proposals, what was appended)."""
    from ledger import Unchanged, append_event
    from ledger.events import StageDefined
    from ledger.writer import now, stamp
    from tui.config import default_by

    by = args.by or default_by()
    appended = []
    for s in proposals:
        if not s.changes:
            continue
        fields = dict(stage=s.stage, rate=s.new_rate, lead_days=s.new_lead_days, position=s.position, kind=s.kind)
        if by:
            fields["by"] = by
        try:
            appended.append(append_event(args.ledger, stamp(StageDefined, **fields), clock=now))
        except Unchanged as err:  # someone set the same figures meanwhile
            print(f"dealbook: {err}", file=sys.stderr)
    return proposals, appended
