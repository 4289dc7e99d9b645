"""The ledger's lines in a PostgreSQL table: one row per line, appended in commit order, never changed.

A table holds `seq` (the position, in commit order), `id` (unique), `ts` and `line` (the JSON text,
verbatim, without its newline). Triggers made by `init` refuse any UPDATE, DELETE or TRUNCATE,
serialize every INSERT on one advisory lock (so `seq` follows commit order: a reader that has seen
`seq` N has seen every row before it), and NOTIFY a channel with the last `seq` of each commit.
The ledger's rules are not checked here: the writer passes them as the `check` of `append_lines`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
import psycopg
from psycopg import sql

from ledger.problems import LedgerError, Offline, is_url, quote  # noqa: F401  (both named from here too)

SCHEMES = ("postgresql", "postgres")
TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,47}")  # 48 at most: the NOTIFY channel adds 9 (63 is the limit)
LOCK_NAMESPACE = 0x6465616C << 32  # "deal": advisory lock keys are this plus the table's oid
READ_BATCH = 5000

Row = tuple[int, str]  # (seq, line)
Check = Callable[[list[Row]], Sequence[str] | None]


@dataclass(frozen=True)
class Where:
    """A ledger table: the connection string libpq reads (without `table`), and the table's name."""

    conninfo: str
    table: str

    @property
    def channel(self) -> str:
        return f"dealbook_{self.table}"

    def __str__(self) -> str:
        """The URL for messages: the table named, the password never shown."""
        parts = urlsplit(self.conninfo)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = f"{user.split(':', 1)[0]}@{host}"
        query = urlencode([*parse_qsl(parts.query), ("table", self.table)])
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


@dataclass(frozen=True)
class Appended:
    """What one append did: the seq of each line written, and the rows other writers added first."""

    seqs: list[int]
    caught_up: list[Row]
    repeated: bool = False  # every line was already there, identical (a retry after a lost answer)


class _Head(msgspec.Struct):
    id: str
    ts: str


_head = msgspec.json.Decoder(_Head)


def parse_url(url: str) -> Where:
    """`postgresql://rep@host/sales?table=team_a` -> Where; the rest of the URL is left to libpq."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise LedgerError(f"{quote(url)} is not a PostgreSQL URL: write postgresql://USER@HOST/DATABASE?table=NAME")
    params = parse_qsl(parts.query, keep_blank_values=True)
    tables = [value for key, value in params if key == "table"]
    if len(tables) != 1:
        raise LedgerError(f"{quote(url)} names {'no' if not tables else 'more than one'} table: add one "
                          "`?table=NAME` (one table per team, for example ?table=team_a)")
    table = tables[0]
    if not TABLE_NAME.fullmatch(table):
        raise LedgerError(f"table name {quote(table)!r} in {quote(url)} is not accepted: use 1 to 48 lower-case "
                          "letters, digits or _, starting with a letter or _ (for example team_a)")
    rest = urlencode([(key, value) for key, value in params if key != "table"])
    return Where(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), table)


def connect(where: Where, *, autocommit: bool = True) -> psycopg.Connection:
    """A connection as libpq makes it (~/.pgpass, PGPASSWORD, sslmode ...); Offline when it cannot.

    In autocommit mode by default: a read holds no transaction open, and `append_lines` opens its own.
    """
    try:
        return psycopg.connect(where.conninfo, autocommit=autocommit, application_name="dealbook")
    except psycopg.OperationalError as err:
        raise Offline(f"cannot reach the ledger {where}: {_first_line(err)}. Check that the server is up and "
                      "the URL, user and password are right (the password comes from ~/.pgpass or PGPASSWORD)") from err


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return quote(text.splitlines()[0] if text else type(err).__name__, limit=300)


_INIT = """
CREATE TABLE {table} (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 64),
    ts text NOT NULL,
    line text NOT NULL CHECK (strpos(line, E'\\n') = 0)
);
CREATE OR REPLACE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger table % only takes new lines: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'a ledger line is never changed or removed; append a new event that corrects it';
END $$;
CREATE OR REPLACE FUNCTION {serialize}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({namespace} + TG_RELID::bigint);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION {announce}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify({channel}, (SELECT max(seq)::text FROM added));
    RETURN NULL;
END $$;
CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {refuse}();
CREATE TRIGGER serialize_insert BEFORE INSERT ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {serialize}();
CREATE TRIGGER announce_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION {announce}();
"""


def init(url: str) -> bool:
    """Create the ledger table and its triggers; False when the table already exists (nothing changed)."""
    where = parse_url(url)
    try:
        return _create(where)
    except psycopg.OperationalError as err:
        raise Offline(f"lost the connection to {where} ({_first_line(err)}); run the init again") from err
    except psycopg.Error as err:
        raise LedgerError(f"the server refused to create the ledger table {where}: {_first_line(err)}. "
                          "The role needs CREATE on the database's schema (see docs/postgres.md)") from err


def _create(where: Where) -> bool:
    with connect(where, autocommit=False) as conn:
        encoding = conn.execute("SHOW server_encoding").fetchone()[0]
        if encoding.upper() not in ("UTF8", "UTF-8"):
            raise LedgerError(f"the database of {where} stores text as {encoding}; a ledger needs UTF8: "
                              "create the database with ENCODING 'UTF8'")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_NAMESPACE - 1,))  # two inits at once: one creates
        if _exists(conn, where.table):
            _require_ledger_shape(conn, where)
            return False
        names = {f"{part}": sql.Identifier(f"{where.table}_{part}") for part in ("refuse", "serialize", "announce")}
        conn.execute(sql.SQL(_INIT).format(table=sql.Identifier(where.table), channel=sql.Literal(where.channel),
                                           namespace=sql.Literal(LOCK_NAMESPACE), **names))
    return True


def _exists(conn: psycopg.Connection, table: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (sql.Identifier(table).as_string(conn),)).fetchone()[0]


def require_table(conn: psycopg.Connection, where: Where) -> None:
    """LedgerError unless the table exists (with what to run) and is a ledger table."""
    if not _exists(conn, where.table):
        raise LedgerError(f"no ledger table {where.table!r} at {where}: create it with `dealbook init {where}`")
    _require_ledger_shape(conn, where)


def _require_ledger_shape(conn: psycopg.Connection, where: Where) -> None:
    """LedgerError unless the table has a ledger's columns and its three triggers (enabled)."""
    table = sql.Identifier(where.table).as_string(conn)
    columns = {name for (name,) in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        (table,))}
    triggers = {name for (name,) in conn.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'", (table,))}
    if columns != {"seq", "id", "ts", "line"} or not {"refuse_change", "serialize_insert", "announce_insert"} <= triggers:
        raise LedgerError(f"the table {where.table!r} at {where} is not a Dealbook ledger table (columns "
                          f"{', '.join(sorted(columns))}; enabled triggers {', '.join(sorted(triggers)) or 'none'}): "
                          "name another table with ?table=NAME")


def heads(lines: Sequence[str], where: Where | str = "") -> list[_Head]:
    """The id and ts of each line; LedgerError naming the first line that is not one JSON event."""
    found = []
    for number, text in enumerate(lines, 1):
        problem = None
        if "\n" in text or "\r" in text or "\x00" in text:
            problem = "a line break or NUL inside the line"
        else:
            try:
                head = _head.decode(text)
            except msgspec.DecodeError as err:
                problem = f"not an event with a string id and ts ({err})"
            else:
                if not 1 <= len(head.id) <= 64:
                    problem = "id must be 1 to 64 characters"
        if problem:
            raise LedgerError(f"line {number} of the append to {where}: {problem}; nothing was written\n    {quote(text)}")
        found.append(head)
    return found


class NotProven(Exception):
    """The table's row at the `seq` a cache ended at is not the row the cache read (the table was made again)."""


def append_lines(conn: psycopg.Connection, table: str, known_seq: int, lines: Sequence[str],
                 check: Check, *, proof: str | None = None) -> Appended:
    """Append `lines` in one transaction, after `check` accepted them; raise (nothing written) otherwise.

    Under the table's lock: the rows past `known_seq` (other writers' lines, in order) go to
    `check`, which folds them and validates the lines; it raises to refuse (a Conflict for a
    stale version) and may return the lines to write instead (re-stamped). Lines whose ids are
    all there already with the same text are a repeat: nothing is written or checked. The
    commit wakes every listener of the table. With a `proof` (the id that the row at `known_seq`
    had when a cache read it), NotProven unless the table still holds that row there.
    """
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise ValueError("append_lines needs a connection with no transaction open (use connect())")
    found = heads(lines, table)
    ids = [head.id for head in found]
    try:
        # In a pipeline, BEGIN, the lock and the three reads go in one round trip (each read still sees every
        # row committed before the lock was granted: a statement's snapshot is taken when it starts), then
        # the INSERT, then COMMIT: three round trips instead of six, each a chance to be descheduled.
        with _pipeline(conn), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s + %s::regclass::oid::bigint)",
                         (LOCK_NAMESPACE, sql.Identifier(table).as_string(conn)))
            proven = conn.execute(sql.SQL("SELECT id FROM {} WHERE seq = %s").format(sql.Identifier(table)),
                                  (known_seq,)) if proof is not None else None
            past = _rows_after(conn, table, known_seq)
            stored = conn.execute(sql.SQL("SELECT id, seq, line FROM {} WHERE id = ANY(%s)").format(
                sql.Identifier(table)), (ids,))
            if proven is not None:
                row = proven.fetchone()
                if (row[0] if row else None) != proof:
                    raise NotProven(f"the row at seq {known_seq} of {table!r} is not the one read before")
            caught_up = past.fetchall()
            there = _already_there(stored.fetchall(), table, ids, lines)
            if there is not None:
                return Appended(there, caught_up, repeated=True)
            written = check(caught_up)
            if written is not None:
                lines = list(written)
                found = heads(lines, table)
            seqs = [seq for (seq,) in conn.execute(
                sql.SQL("INSERT INTO {} (id, ts, line) SELECT id, ts, line FROM unnest(%s::text[], %s::text[], "
                        "%s::text[]) WITH ORDINALITY AS l(id, ts, line, n) ORDER BY n RETURNING seq")
                .format(sql.Identifier(table)),
                ([h.id for h in found], [h.ts for h in found], list(lines)),
            ).fetchall()]
            return Appended(seqs, caught_up)
    except psycopg.errors.UniqueViolation as err:
        raise LedgerError(f"refused: an id in the append is already in the ledger table {table!r} "
                          f"({_first_line(err)}); nothing was written") from err
    except psycopg.OperationalError as err:
        raise Offline(f"the connection to the ledger table {table!r} was lost ({_first_line(err)}); "
                      "nothing was written unless a retry finds the lines there") from err
    except psycopg.Error as err:
        raise LedgerError(f"the server refused the append to the ledger table {table!r}: {_first_line(err)}; "
                          "nothing was written") from err


def _already_there(rows: list[tuple[str, int, str]], table: str, ids: list[str],
                   lines: Sequence[str]) -> list[int] | None:
    """The seqs of `lines` when every one is in the table (`rows`: the (id, seq, line) found for their ids)
    with the same text; None when none is there.

    LedgerError when some are there and some not, or an id is there with other text.
    """
    if not rows:
        return None
    stored = {id_: (seq, line) for id_, seq, line in rows}
    for id_, text in zip(ids, lines):
        if id_ in stored and stored[id_][1] != text:
            raise LedgerError(f"refused: id {quote(id_)!r} is already in the ledger table {table!r} "
                              f"(seq {stored[id_][0]}) with other text; nothing was written. Give the event a new id")
    if len(stored) != len(set(ids)):
        raise LedgerError(f"refused: {len(stored)} of the {len(ids)} lines are already in the ledger table "
                          f"{table!r}; nothing was written. Append only the lines that are not there")
    return [stored[id_][0] for id_ in ids]


def _pipeline(conn: psycopg.Connection):
    """The connection's pipeline mode (libpq 14 or later), else nothing."""
    return conn.pipeline() if psycopg.Pipeline.is_supported() else contextlib.nullcontext()


def _rows_after(conn: psycopg.Connection, table: str, seq: int) -> psycopg.Cursor:
    """The rows past `seq`, in order: the query sent (in a pipeline, its answer comes with the next sync)."""
    return conn.execute(sql.SQL("SELECT seq, line FROM {} WHERE seq > %s ORDER BY seq").format(sql.Identifier(table)),
                        (seq,))


def read_from(conn: psycopg.Connection, table: str, seq: int = 0, batch: int = READ_BATCH) -> Iterator[Row]:
    """Every (seq, line) past `seq`, in order, fetched `batch` rows at a time (by seq, no long transaction)."""
    query = sql.SQL("SELECT seq, line FROM {} WHERE seq > %s ORDER BY seq LIMIT %s").format(sql.Identifier(table))
    while True:
        try:
            rows = conn.execute(query, (seq, batch)).fetchall()
            if not conn.autocommit:
                conn.commit()
        except psycopg.OperationalError as err:
            raise Offline(f"the connection to the ledger table {table!r} was lost ({_first_line(err)})") from err
        yield from rows
        if len(rows) < batch:
            return
        seq = rows[-1][0]


@dataclass(frozen=True)
class Piece:
    """Consecutive rows past a seq as one text: each line with its newline, as a file holds them."""

    text: bytes  # UTF-8
    rows: int
    last_seq: int  # the seq of its last row
    last_id: str  # the id of its last row (what a cache records as proof of the rows it read)
    table_last: int  # the table's last seq when the piece was read (how much is left, about)


_PIECE = """
SELECT text, rows, last_seq, (SELECT id FROM {table} WHERE seq = last_seq), (SELECT max(seq) FROM {table})
FROM (SELECT convert_to(string_agg(line, E'\\n' ORDER BY seq) || E'\\n', 'UTF8') AS text, count(*) AS rows,
             max(seq) AS last_seq
      FROM (SELECT seq, line FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s) AS piece) AS joined
"""


def read_pieces(conn: psycopg.Connection, table: str, seq: int, rows: int) -> Iterator[Piece]:
    """The rows past `seq` in Pieces of `rows` rows, one query each (by seq, no long transaction): the server
    joins a piece's lines in the order it reads them (no sort) and sends them as bytes, so that a million rows
    make a few dozen Python objects, not two million, and a fetch waits on the socket without the GIL."""
    query = sql.SQL(_PIECE).format(table=sql.Identifier(table))
    while True:
        try:
            text, count, last, last_id, table_last = conn.execute(query, (seq, rows), binary=True).fetchone()
            if not conn.autocommit:
                conn.commit()
        except psycopg.OperationalError as err:
            raise Offline(f"the connection to the ledger table {table!r} was lost ({_first_line(err)})") from err
        if not count:
            return
        yield Piece(bytes(text), count, last, last_id, table_last)
        if count < rows:
            return
        seq = last


def last_seq(conn: psycopg.Connection, table: str) -> int:
    """The seq of the table's last line (0 when empty)."""
    row = conn.execute(sql.SQL("SELECT coalesce(max(seq), 0) FROM {}").format(sql.Identifier(table))).fetchone()
    if not conn.autocommit:
        conn.commit()
    return row[0]


class Listener:
    """A connection LISTENing to one table's channel: `wait` returns when another process appended."""

    def __init__(self, where: Where) -> None:
        self.where = where
        self.conn = connect(where, autocommit=True)
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(where.channel)))

    def wait(self, timeout: float) -> int | None:
        """The highest seq announced within `timeout` seconds (all pending announcements read), else None.

        A wake-up only: the caller then reads the rows past what it holds (`read_from`), since an
        announcement may be missed across a reconnect. Offline when the connection is lost.
        """
        latest = None
        try:
            for note in self.conn.notifies(timeout=timeout, stop_after=1):
                latest = int(note.payload)
            for note in self.conn.notifies(timeout=0):
                latest = max(latest or 0, int(note.payload))
        except psycopg.OperationalError as err:
            raise Offline(f"lost the connection to the ledger {self.where} ({_first_line(err)}); "
                          "reconnecting") from err
        return latest

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
