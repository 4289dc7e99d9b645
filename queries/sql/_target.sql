-- Fragment: `target(m, target)`, the view's target for $period at each moment: an owner's latest
-- target_set; the team's latest one without owner, else the sum of the owners' latest; else 0.
target_rows AS (
    SELECT owner, bucket, seq, amount FROM bucketed WHERE type = 'target_set' AND period = $period::VARCHAR
),
target_latest AS (
    SELECT mo.m, t.owner, arg_max(t.amount, t.seq) AS amount
    FROM moments AS mo JOIN target_rows AS t ON t.bucket <= mo.m
    GROUP BY mo.m, t.owner
),
target AS (
    SELECT mo.m, coalesce(CASE
        WHEN $owner::VARCHAR IS NOT NULL THEN max(l.amount) FILTER (WHERE l.owner = $owner::VARCHAR)
        ELSE coalesce(max(l.amount) FILTER (WHERE l.owner IS NULL), sum(l.amount) FILTER (WHERE l.owner IS NOT NULL))
    END, 0)::DOUBLE AS target
    FROM moments AS mo LEFT JOIN target_latest AS l ON l.m = mo.m
    GROUP BY mo.m
),
