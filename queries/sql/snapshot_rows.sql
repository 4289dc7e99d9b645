-- The deal_snapshot rows of the deals with rows after $snapshot_seq: their old snapshot row folded
-- with the new rows (the caller deletes the old rows first... after reading them here).
WITH
bucketed AS NOT MATERIALIZED (SELECT *, 1 AS bucket FROM ledger_events WHERE seq > $snapshot_seq),
-- @include _deal_partials
touched AS (SELECT DISTINCT deal FROM bucketed WHERE deal IS NOT NULL)
SELECT
    deal, name, owner, account, stage, amount, priority, close_date, note, events, last_seq, last_ts_us,
    last_offset, last_day, split
FROM deal_partials
WHERE deal IN (SELECT deal FROM touched)
