-- Fragment: `deal_partials` (and `folded_partials`, its part not from the snapshot) for a query over many moments (replay, changes): the latest value of each
-- deal field among a deal's rows of one bucket, the deals whose rows all fall in the first bucket
-- taken from deal_snapshot instead of folded again. The including query defines `bucketed` (the rows
-- of `events` up to its last moment, each with `bucket`, the first moment that knows it) and
-- `first_bucket(b)`, the lowest bucket.
-- Why the snapshot holds: `bucketed` is a prefix of the ledger (the rows up to an instant, and a line's
-- ts is never earlier than the line before), and deal_snapshot folds each deal's rows up to its cut. A
-- deal's snapshot row is its state in the first bucket when its last folded row is known (so all of
-- them are) and none of its known rows is in a later bucket or past the cut. A hidden snapshot (a
-- cursor reading days in another calendar) is empty: every deal is folded.
snapshot_cut AS (SELECT coalesce(max(last_seq), -1) AS seq FROM deal_snapshot),
known AS (SELECT coalesce(max(seq), -1) AS seq FROM bucketed),
moved AS (  -- the deals with a known row after the first bucket or past the cut
    SELECT DISTINCT deal
    FROM bucketed
    WHERE deal IS NOT NULL
      AND (bucket > (SELECT b FROM first_bucket) OR seq > (SELECT seq FROM snapshot_cut))
),
kept AS (
    SELECT *
    FROM deal_snapshot
    WHERE last_seq <= (SELECT seq FROM known) AND deal NOT IN (SELECT deal FROM moved)
),
folded AS (  -- the other deals with known rows (the snapshot folds every deal's rows up to its cut)
    SELECT deal FROM moved
    UNION
    SELECT deal FROM deal_snapshot WHERE last_seq > (SELECT seq FROM known)
),
deal_rows AS (  -- the folded deals' known rows
    SELECT
        -- @include _deal_row
    FROM bucketed
    WHERE deal IS NOT NULL AND deal IN (SELECT deal FROM folded)
),
folded_partials AS (
    SELECT
        deal, bucket,
        -- @include _deal_fold
    FROM deal_rows
    GROUP BY deal, bucket
),
deal_partials AS (
    SELECT
        deal, (SELECT b FROM first_bucket) AS bucket, name, owner, account, stage, amount, priority,
        close_date, note, events, last_seq, last_ts_us, last_offset, last_day, split, opened_line
    FROM kept
    UNION ALL
    SELECT * FROM folded_partials
),
