-- Fragment: `target(m, target)`, the view's target for $period at each moment (docs/method.md,
-- "Targets"): the latest target_set for the period and the view; else, for a quarter or a year, the
-- sum of its months' targets ($months; each month: the view's own, else for the team the sum of the
-- persons') when at least one month has one; else, for the team, the sum of the persons' targets for
-- the period; else NULL: no target.
target_rows AS (
    SELECT owner, bucket, seq, period, amount FROM bucketed
    WHERE type = 'target_set' AND (period = $period::VARCHAR OR list_contains($months::VARCHAR[], period))
),
target_latest AS (
    SELECT mo.m, t.period, t.owner, arg_max(t.amount, t.seq) AS amount
    FROM moments AS mo JOIN target_rows AS t ON t.bucket <= mo.m
    GROUP BY mo.m, t.period, t.owner
),
target_by_period AS (  -- each period's own target for the view, and the sum of the persons' targets
    SELECT
        m, period,
        max(amount) FILTER (WHERE owner IS NOT DISTINCT FROM $owner::VARCHAR) AS own,
        sum(amount) FILTER (WHERE owner IS NOT NULL) AS persons
    FROM target_latest
    GROUP BY m, period
),
target AS (
    SELECT mo.m, coalesce(
        max(p.own) FILTER (WHERE p.period = $period::VARCHAR),
        sum(CASE WHEN $owner::VARCHAR IS NULL THEN coalesce(p.own, p.persons) ELSE p.own END)
            FILTER (WHERE p.period <> $period::VARCHAR),
        CASE WHEN $owner::VARCHAR IS NULL THEN max(p.persons) FILTER (WHERE p.period = $period::VARCHAR) END
    )::DECIMAL(38,4) AS target
    FROM moments AS mo LEFT JOIN target_by_period AS p ON p.m = mo.m
    GROUP BY mo.m
),
