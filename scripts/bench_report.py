"""How scripts/bench.py prints its medians: against the targets, and each measure beside its floor."""

from __future__ import annotations

from pathlib import Path

TARGETS = {  # measure -> (target, unit); None: no target
    "check": None, "first_load": None, "reopen_to_board": (1.5, "s"), "forecast": (1.0, "s"),
    "replay": (2.0, "s"), "changes": None, "append_p50": None, "append_p99": (5.0, "ms"),
    "keystroke_to_repaint": (50.0, "ms"), "peak_rss": (1024.0, "MiB"),
    "forecast_vs_reference": (20.0, "x"), "replay_vs_reference": (20.0, "x"),
}


PEAKS = ["check", "first_load", "reopen_to_board", "forecast", "replay", "changes", "append", "keystroke_to_repaint"]
UNITS = {**{f"peak_rss_{name}": "MiB" for name in PEAKS}, "append_p50": "ms", "append_p99": "ms",
         "keystroke_to_repaint": "ms", "keystroke_burst": "ms", "keystroke_confirmed": "ms", "first_keystroke": "ms",
         "peak_rss": "MiB",
         "forecast_vs_reference": "x", "replay_vs_reference": "x"}


def show(results: dict[str, dict[str, float]]) -> None:
    sizes = list(results)
    names = list(TARGETS) + ["keystroke_burst", "keystroke_confirmed", "first_keystroke", "append_first", "forecast_engine", "forecast_reference", "replay_engine",
                             "replay_reference", *(f"peak_rss_{name}" for name in PEAKS)]
    print(f"| measure (median) | {' | '.join(sizes)} | target |")
    print(f"| --- | {' | '.join('---:' for _ in sizes)} | --- |")
    for name in names:
        unit = UNITS.get(name, "s")
        cells = []
        for size in sizes:
            value = results[size].get(name)
            cells.append("-" if value is None else f"{value:,.3f} {unit}" if unit == "s" else f"{value:,.1f} {unit}")
        target = TARGETS.get(name)
        if target is None:
            goal = ""
        else:
            value = results[sizes[-1]].get(name)
            met = value is not None and (value >= target[0] if target[1] == "x" else value <= target[0])
            goal = f"{'>=' if target[1] == 'x' else '<='} {target[0]:g} {target[1]} ({'met' if met else 'MISSED'})"
        print(f"| {name} | {' | '.join(cells)} | {goal} |")


FLOOR_PAIRS = [  # measure, its floor (scripts/bench_floors.py), what the floor is, the goal's ratio (issue 19)
    ("check", "floor_decode", "the project's decoder over the file (a whole process, as check)", 2.0),
    ("first_load", "floor_ndjson", "read_ndjson of the file into a table", None),
    ("first_load", "floor_tables", "the same tables (parts as rows, snapshot, its index) built by DuckDB alone", 1.5),
    ("first_load", "floor_json_fold", "a plain json.loads fold (nothing checked, floats)", 1.0),
    ("forecast", "floor_imports", "interpreter + imports (a whole process)", None),
    ("replay", "floor_imports", "interpreter + imports", None),
    ("changes", "floor_imports", "interpreter + imports", None),
]


def show_floors(results: dict[str, dict[str, float]], against: Path | None) -> None:
    """Each measure beside its floor, measured in the same run, and the ratio (issue 19)."""
    print()
    print("| measure | size | median | floor | floor's median | ratio | goal | peak MiB / floor's |")
    print("| --- | --- | ---: | --- | ---: | ---: | --- | ---: |")
    largest = list(results)[-1]
    for size, medians in results.items():
        for name, floor, what, goal in FLOOR_PAIRS:
            if name not in medians or floor not in medians:
                continue
            ratio = medians[name] / medians[floor]
            met = "" if goal is None or size != largest else f"<= {goal:g}x ({'met' if ratio <= goal else 'MISSED'})"
            print(f"| {name} | {size} | {medians[name]:.2f} s | {what} | {medians[floor]:.2f} s | "
                  f"{ratio:.2f}x | {met} | {medians.get(f'peak_rss_{name}', 0):.0f} / "
                  f"{medians.get(f'peak_rss_{floor}', 0):.0f} |")
    if against is None:
        return
    print()
    print(f"| measure | size | {against} | this tree | ratio | peak MiB (theirs / ours) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for size, medians in results.items():
        for name in ("check", "first_load"):
            other = medians.get(f"{name}_against")
            if other is not None:
                print(f"| {name} | {size} | {other:.2f} s | {medians[name]:.2f} s | {other / medians[name]:.2f}x | "
                      f"{medians.get(f'peak_rss_{name}_against', 0):.0f} / {medians.get(f'peak_rss_{name}', 0):.0f} |")
