-- Fragment: `deal_partials`, the latest value of each deal field among a deal's rows of one bucket.
-- The including query defines `bucketed`: the rows of `events` known at its last moment, each with
-- `bucket`, the first moment (numbered in time order) that knows it. With $use_snapshot, for a
-- query about one moment ($t_us, bucket 1) that knows every row deal_snapshot folds, those rows
-- come pre-folded from it. (Read here, in the query's own transaction: a refresh that commits
-- meanwhile cannot make the snapshot and the rows disagree.)
snapshot_cut AS (  -- deal_snapshot folds every deal row up to this seq; -1: not used
    SELECT CASE WHEN $use_snapshot AND coalesce(max(last_ts_us) <= $t_us, false)
                THEN max(last_seq) ELSE -1 END AS seq
    FROM deal_snapshot
),
later_rows AS (
    SELECT
        -- @include _deal_row
    FROM bucketed
    WHERE deal IS NOT NULL AND seq > (SELECT seq FROM snapshot_cut)
),
deal_rows AS (  -- the snapshot rows that later rows change, then those rows
    SELECT
        deal, 1 AS bucket, last_seq AS seq, name, owner, account, stage, amount, priority,
        close_date, note, events, last_ts_us AS ts_us, last_offset AS utc_offset, last_day AS day, split,
        opened_line AS line
    FROM deal_snapshot
    WHERE (SELECT seq FROM snapshot_cut) >= 0 AND deal IN (SELECT deal FROM later_rows)
    UNION ALL
    SELECT * FROM later_rows
),
deal_partials AS (
    SELECT
        deal, 1 AS bucket, name, owner, account, stage, amount, priority, close_date, note, events,
        last_seq, last_ts_us, last_offset, last_day, split, opened_line
    FROM deal_snapshot
    WHERE (SELECT seq FROM snapshot_cut) >= 0 AND deal NOT IN (SELECT deal FROM later_rows)
    UNION ALL
    SELECT
        deal, bucket,
        -- @include _deal_fold
    FROM deal_rows
    GROUP BY deal, bucket
),
