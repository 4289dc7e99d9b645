-- A period's forecast at the end of each of its days, in one pass: per day, won and progress
-- (docs/forecast-rules.md, "Replay of a period") and the view's target that day.
-- $k: the days replayed from $p_start; $t_last: the end of the last of them; $zoned: the ledger has a
-- time zone, and a row falls on its `day`; else on its day in $off_us, the offset of the ledger's
-- last line; $period, $months, $p_end, $owner: as in forecast.sql. $odds: also, on the first day's row,
-- every open unit with a rate above 0 and the days on which it can close (its first and last moment),
-- for each day's probability of making the target (queries/replay_odds.py).
WITH
moments AS (SELECT m, $p_start::DATE + (m - 1)::INTEGER AS today FROM range(1, $k + 1) AS r(m)),
bucketed AS NOT MATERIALIZED (  -- a row counts from the end of the day it falls on, in the ledger's offset
    SELECT
        *,
        greatest(1, CASE WHEN $zoned THEN day - $p_start::DATE
                         ELSE (ts_us + $off_us) // 86400000000 - ($p_start::DATE - DATE '1970-01-01') END + 1) AS bucket
    FROM events
    WHERE ts_us <= $t_last
),
first_bucket AS (SELECT 1 AS b),
-- @include _deal_versions
-- @include _deal_state
-- @include _target
live AS (  -- only the units that can add to progress on some day
    SELECT *
    FROM units_won
    WHERE ($owner::VARCHAR IS NULL OR owner = $owner::VARCHAR)
      AND ((priority = 'must' AND stage_kind = 'open') OR won_in_period OR ($odds AND stage_kind = 'open'))
),
daily AS (
    SELECT
        mo.m, mo.today,
        coalesce(sum(l.amount) FILTER (WHERE l.won_in_period), 0) AS won,
        coalesce(sum(l.estimated_value) FILTER (
            WHERE l.priority = 'must' AND l.stage_kind = 'open'
              AND mo.today + l.lead_days <= $p_end::DATE
              AND (l.close_date IS NULL OR l.close_date <= $p_end::DATE)
        ), 0) AS must_value
    FROM moments AS mo LEFT JOIN live AS l ON l.u_from <= mo.m AND mo.m < l.u_to
    GROUP BY mo.m, mo.today
),
spans AS (  -- $odds: each open unit with a rate, over the days (moments) on which it can close
    SELECT
        deal, amount, rate, greatest(u_from, 1) AS first_m,
        least(u_to - 1, $k, ($p_end::DATE - $p_start::DATE) + 1 - lead_days) AS last_m
    FROM live
    WHERE $odds AND stage_kind = 'open' AND rate > 0 AND (close_date IS NULL OR close_date <= $p_end::DATE)
),
span_lists AS (  -- one list sorted once, handed over as a list per field (cheaper than structs); amounts
                 -- and rates as exact integers (1/10,000 and 1/1,000,000), cheaper to hand over than Decimals
    SELECT list({'deal': deal, 'amount_e4': (amount * 10000)::BIGINT, 'rate_e6': (rate * 1000000)::INTEGER,
                 'first': first_m, 'last': last_m} ORDER BY first_m, deal) AS ordered
    FROM spans
    WHERE first_m <= last_m
)
SELECT d.today, d.won, d.won + d.must_value AS progress, t.target,
       CASE WHEN d.m = 1 THEN (SELECT {'deals': list_transform(ordered, lambda s: s.deal),
                                       'amounts_e4': list_transform(ordered, lambda s: s.amount_e4),
                                       'rates_e6': list_transform(ordered, lambda s: s.rate_e6),
                                       'firsts': list_transform(ordered, lambda s: s.first),
                                       'lasts': list_transform(ordered, lambda s: s.last)} FROM span_lists) END AS spans
FROM daily AS d JOIN target AS t USING (m)
ORDER BY d.m
