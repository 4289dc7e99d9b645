-- The cache's tables: one row per accepted ledger event, plus one row per part of each split.
CREATE TABLE IF NOT EXISTS ledger_events (
    seq         BIGINT  NOT NULL,  -- line * 65536 + sub: the ledger's order, parts right after their split
    line        BIGINT  NOT NULL,  -- the event's line in the ledger file
    sub         INTEGER NOT NULL,  -- 0 for the event itself, n for the n-th part of a split
    id          VARCHAR NOT NULL,  -- the event's id (a split's parts share it)
    type        VARCHAR NOT NULL,  -- the event type; 'split_part' for a part
    ts_us       BIGINT  NOT NULL,  -- the event's instant: microseconds since 1970-01-01 UTC
    utc_offset  INTEGER NOT NULL,  -- seconds east of UTC, as written in the ts
    day         DATE    NOT NULL,  -- the local date of the ts in the ledger's latest time zone (else its own offset)
    own_day     DATE    NOT NULL,  -- the local date of the ts in its own offset (version 1's calendar)
    won_run     BOOLEAN,           -- for a split_part: its parent was in a stage of kind won (table at the
                                   -- split), so the part carries the parent's stage moves on (_deal_state)
    settings    VARCHAR,           -- for a settings_changed or a key_result_set: its line, as JSON
    deal        VARCHAR,           -- the deal the row is about (the part, for a split_part)
    parent      VARCHAR,           -- for a split_part: the deal it was split from
    name        VARCHAR,
    owner       VARCHAR,           -- a deal's owner, or a target_set's owner
    account     VARCHAR,
    stage       VARCHAR,           -- a deal's new stage, or the stage a stage_defined defines
    prev_stage  VARCHAR,           -- for a stage_changed: the deal's stage before it
    amount      DECIMAL(18,4),     -- a deal's amount, or a target_set's amount: exact (docs/ledger-format.md)
    priority    VARCHAR,
    close_date  DATE,
    text        VARCHAR,
    due         DATE,
    period      VARCHAR,
    rate        DECIMAL(7,6),
    lead_days   INTEGER,
    position    INTEGER,
    kind        VARCHAR,
    recorded_by VARCHAR
);

-- Each deal's fields folded over all its rows up to the latest seq loaded (see _deal_partials): a
-- query about a moment after the ledger's last event starts from here instead of a million rows.
CREATE TABLE IF NOT EXISTS deal_snapshot (
    deal        VARCHAR NOT NULL,
    name        VARCHAR,
    owner       VARCHAR,
    account     STRUCT(v VARCHAR),
    stage       VARCHAR,
    amount      DECIMAL(18,4),
    priority    VARCHAR,
    close_date  STRUCT(v DATE),
    note        STRUCT(text VARCHAR, due DATE),
    events      BIGINT,
    last_seq    BIGINT,
    last_ts_us  BIGINT,
    last_offset INTEGER,
    last_day    DATE,
    split       BOOLEAN,
    opened_line BIGINT             -- the line that opened the deal (a split's, for a part)
);

-- A deal's snapshot row found by its id without a scan: what an append checks (the deals it names) costs
-- under a millisecond instead of 15 ms at a million events. ledger_events has no index: every query
-- reads many of its rows, and an index on its deal column cost 0.35-0.4 s of a first load at 1M.
CREATE INDEX IF NOT EXISTS deal_snapshot_deal ON deal_snapshot (deal);

-- The method's stage table, in force before any stage_defined (filled from ledger.stages.DEFAULT_STAGES).
CREATE TABLE IF NOT EXISTS default_stages (
    stage     VARCHAR NOT NULL,
    rate      DECIMAL(7,6) NOT NULL,
    lead_days INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    kind      VARCHAR NOT NULL
);

-- What the cache covers of the ledger file, and how to tell it is still that file.
CREATE TABLE IF NOT EXISTS cache_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- Every query reads `events`: a cursor may shadow it with a temporary view that adds scenario events.
CREATE OR REPLACE VIEW events AS SELECT * FROM ledger_events;

-- An instant as RFC 3339 text in the offset it was written with (how results reach Python).
CREATE OR REPLACE MACRO rfc3339(us, utc_offset) AS
    strftime(make_timestamp(us + utc_offset::BIGINT * 1000000), '%Y-%m-%dT%H:%M:%S.%f')
    || CASE WHEN utc_offset = 0 THEN 'Z'
            ELSE printf('%s%02d:%02d', CASE WHEN utc_offset < 0 THEN '-' ELSE '+' END,
                        abs(utc_offset) // 3600, abs(utc_offset) % 3600 // 60)
       END;
