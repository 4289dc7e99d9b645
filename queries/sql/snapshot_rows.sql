-- The new deal_snapshot rows of the deals with rows the snapshot does not fold yet (just loaded):
-- their old snapshot row folded with those rows. The caller swaps them in for the old ones.
WITH
bucketed AS NOT MATERIALIZED (
    SELECT *, 1 AS bucket FROM ledger_events
    WHERE seq > (SELECT coalesce(max(last_seq), -1) FROM deal_snapshot)
),
-- @include _deal_partials
touched AS (SELECT DISTINCT deal FROM bucketed WHERE deal IS NOT NULL)
SELECT
    deal, name, owner, account, stage, amount, priority, close_date, note, events, last_seq, last_ts_us,
    last_offset, last_day, split, opened_line
FROM deal_partials
WHERE deal IN (SELECT deal FROM touched)
