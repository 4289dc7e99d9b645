"""ledger.ids.Ids reads as the dict of id -> line it replaces, whatever the order of blocks, single ids and
take-backs, and whenever a line is first asked for (a duplicate's message)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ledger.ids import Ids

KEYS = st.sampled_from([f"e{i}" for i in range(40)])
OPS = st.lists(st.one_of(
    st.tuples(st.just("block"), st.lists(KEYS, max_size=600, unique=True) | st.lists(KEYS, max_size=8)),
    st.tuples(st.just("set"), KEYS),
    st.tuples(st.just("del"), KEYS),
    st.tuples(st.just("take_back"), st.lists(st.integers(0, 599), max_size=5, unique=True)),
    st.tuples(st.just("get"), KEYS),
), max_size=40)


@given(OPS)
def test_ids_read_as_a_dict(ops) -> None:
    ids, ref, line = Ids(), {}, 1
    last_block: list[str] | None = None
    for op, arg in ops:
        if op == "block":
            added = ids.add_block(arg, line)
            assert added == (ref.keys().isdisjoint(arg) and len(set(arg)) == len(arg))
            if added:
                ref.update(zip(arg, range(line, line + len(arg))))
                last_block = arg
            line += len(arg)
        elif op == "set":
            ids[arg] = ref[arg] = line
            line += 1
            last_block = None
        elif op == "del":
            assert (arg in ids) == (arg in ref)
            if arg in ref:
                del ids[arg], ref[arg]
                last_block = None
        elif op == "take_back" and last_block is not None:
            back = [i for i in arg if i < len(last_block) and last_block[i] in ref]
            ids.take_back(back)
            for i in back:
                del ref[last_block[i]]
        elif op == "get":
            assert ids.get(arg) == ref.get(arg)
        assert len(ids) == len(ref) and list(ids) == list(ref) and ids == ref


def test_a_refused_block_adds_nothing() -> None:
    ids = Ids({"a": 1})
    block = [f"x{i}" for i in range(1000)] + ["a"]  # the known id in a later part of the block
    assert not ids.add_block(block, 2)
    assert ids == {"a": 1} and "x0" not in ids
    assert ids.add_block(block[:-1], 2) and ids["x999"] == 1001 and ids["a"] == 1
    assert ids.add_block(["y"], 1002) and ids["y"] == 1002  # a block after a line was asked for


def test_a_block_giving_an_id_twice_adds_nothing() -> None:
    ids = Ids({"a": 1})
    for twice in (["b", "c", "b"], [f"x{i}" for i in range(600)] + ["x599"], [f"x{i}" for i in range(300)] + ["x3"]):
        assert not ids.add_block(twice, 2)  # within one part of the block, and across two
        assert ids == {"a": 1}
