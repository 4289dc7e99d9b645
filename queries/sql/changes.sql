-- What moved a period's progress from T1 to T2: a waterfall. The moments are T1 (m = 0), then each
-- event after T1 up to T2 in ledger order (m = 2, 4, ...), with a tick (odd m) before an event on a
-- later day and before T2: ticks carry what time alone did. Every change of a deal's value from one
-- moment to the next is its delta, given to the event of that moment (or to the tick), so the
-- deltas add up to progress(T2) - progress(T1).
-- $t1/$today1, $t2/$today2: the two moments; $zoned: the days of the events between are their
-- `day` (the ledger's time zone), else their day in $off2_us, T2's offset; $period, $p_start, $p_end,
-- $owner: as in forecast.sql.
WITH
steps AS (
    SELECT
        line, type, id, 2 * row_number() OVER (ORDER BY line) AS m,
        greatest($today1::DATE, max(CASE WHEN $zoned THEN day
                                         ELSE DATE '1970-01-01' + ((ts_us + $off2_us) // 86400000000)::INTEGER END)
            OVER (ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS today
    FROM events
    WHERE sub = 0 AND ts_us > $t1 AND ts_us <= $t2
),
step_days AS (SELECT *, lag(today, 1, $today1::DATE) OVER (ORDER BY m) AS day_before FROM steps),
last_step AS (SELECT coalesce(max(m), 0) AS m, coalesce(arg_max(today, m), $today1::DATE) AS today FROM steps),
moments AS (
    SELECT 0 AS m, $today1::DATE AS today
    UNION ALL SELECT m - 1, today FROM step_days WHERE today <> day_before
    UNION ALL SELECT m, today FROM step_days
    UNION ALL SELECT m + 1, $today2::DATE FROM last_step WHERE today <> $today2::DATE
),
ticks AS (
    SELECT * FROM (SELECT m, today, lag(today) OVER (ORDER BY m) AS day_before FROM moments) WHERE m % 2 = 1
),
final AS (SELECT max(m) AS m, arg_max(today, m) AS today FROM moments),
bucketed AS NOT MATERIALIZED (  -- the rows up to T1 in moment 0, each later one in its step's (by line)
    SELECT *, 0 AS bucket FROM events WHERE ts_us <= $t1
    UNION ALL
    SELECT e.*, s.m AS bucket
    FROM events AS e JOIN steps AS s ON s.line = e.line
    WHERE e.ts_us > $t1 AND e.ts_us <= $t2
),
first_bucket AS (SELECT 0 AS b),
-- @include _deal_versions
-- @include _deal_state
scored AS (  -- a unit's value on a day: in view, its won amount, plus its must value if it counts
    SELECT
        u.*,
        ($owner::VARCHAR IS NULL OR u.owner = $owner::VARCHAR) AS in_view,
        CASE WHEN u.won_in_period THEN u.amount ELSE 0 END AS won_part,
        CASE WHEN u.priority = 'must' AND u.stage_kind = 'open'
                  AND (u.close_date IS NULL OR u.close_date <= $p_end::DATE)
             THEN u.estimated_value ELSE 0 END AS must_value
    FROM units_won AS u
),
event_deltas AS (  -- a unit that starts at an event against the one of the same deal that ends there
    SELECT
        coalesce(a.deal, b.deal) AS deal,
        s.m, s.id, s.type,
        coalesce(a.name, b.name) AS name,
        coalesce(a.owner, b.owner) AS owner,
        coalesce(CASE WHEN a.in_view THEN a.won_part
                      + CASE WHEN s.today + a.lead_days <= $p_end::DATE THEN a.must_value ELSE 0 END END, 0)
        - coalesce(CASE WHEN b.in_view THEN b.won_part
                      + CASE WHEN s.today + b.lead_days <= $p_end::DATE THEN b.must_value ELSE 0 END END, 0)
            AS delta,
        CASE s.type
            WHEN 'deal_opened' THEN 'new_deals'
            WHEN 'deal_split' THEN 'split'
            WHEN 'stage_defined' THEN 'rates_changed'
            WHEN 'owner_changed' THEN 'reassigned'
            WHEN 'priority_changed' THEN
                CASE WHEN a.priority_rank < b.priority_rank THEN 'promoted' ELSE 'demoted' END
            WHEN 'amount_changed' THEN CASE WHEN a.amount > b.amount THEN 'amount_up' ELSE 'amount_down' END
            WHEN 'close_date_changed' THEN  -- no close date fits any period: it is the earliest
                CASE WHEN coalesce(a.close_date, DATE '0001-01-01') > coalesce(b.close_date, DATE '0001-01-01')
                     THEN 'pushed_out' ELSE 'pulled_in' END
            WHEN 'stage_changed' THEN CASE
                WHEN a.stage_kind = 'won' THEN 'won'
                WHEN a.stage_kind = 'lost' THEN 'lost'
                WHEN a.stage_kind = 'inactive' THEN 'went_inactive'
                WHEN b.stage_kind IN ('inactive', 'lost') THEN 'came_back'
                WHEN a.position > b.position OR (a.position = b.position AND a.rate >= b.rate)
                    THEN 'stage_advanced'
                ELSE 'stage_regressed'
            END
            ELSE s.type
        END AS cause
    FROM (SELECT * FROM scored WHERE u_from > 0) AS a
    FULL JOIN (SELECT * FROM scored WHERE u_to < 2147483647) AS b ON b.deal = a.deal AND b.u_to = a.u_from
    JOIN step_days AS s ON s.m = coalesce(a.u_from, b.u_to)
),
tick_deltas AS (  -- a day passed: a must-have deal whose lead time no longer fits drops out
    SELECT
        u.deal, t.m, NULL AS id, 'tick' AS type, u.name, u.owner,
        (CASE WHEN t.today + u.lead_days <= $p_end::DATE THEN u.must_value ELSE 0 END)
        - (CASE WHEN t.day_before + u.lead_days <= $p_end::DATE THEN u.must_value ELSE 0 END) AS delta,
        'ran_out_of_time' AS cause
    FROM ticks AS t JOIN scored AS u ON u.u_from < t.m AND t.m < u.u_to
    WHERE u.in_view AND u.must_value <> 0
),
deltas AS (
    SELECT * FROM event_deltas WHERE delta <> 0
    UNION ALL
    SELECT * FROM tick_deltas WHERE delta <> 0
),
deal_causes AS (
    SELECT
        deal, cause, arg_max(name, m) AS name, arg_max(owner, m) AS owner, sum(delta) AS amount,
        coalesce(list(id ORDER BY m) FILTER (WHERE id IS NOT NULL), []) AS events
    FROM deltas
    GROUP BY deal, cause
),
totals AS (
    SELECT
        coalesce(sum(CASE WHEN u.in_view THEN u.won_part
                 + CASE WHEN $today1::DATE + u.lead_days <= $p_end::DATE THEN u.must_value ELSE 0 END END)
            FILTER (WHERE u.u_from <= 0 AND 0 < u.u_to), 0) AS start,
        coalesce(sum(CASE WHEN u.in_view THEN u.won_part
                 + CASE WHEN f.today + u.lead_days <= $p_end::DATE THEN u.must_value ELSE 0 END END)
            FILTER (WHERE u.u_from <= f.m AND f.m < u.u_to), 0) AS "end"
    FROM scored AS u, final AS f
)
SELECT
    t.start, t."end",
    (SELECT to_json(coalesce(list({'cause': cause, 'amount': amount}), [])) FROM (
        SELECT cause, sum(amount) AS amount FROM deal_causes GROUP BY cause)) AS buckets,
    (SELECT to_json(coalesce(list({
        'deal': deal, 'name': name, 'owner': owner, 'cause': cause, 'amount': amount, 'events': events
    } ORDER BY cause, abs(amount) DESC, deal), [])) FROM deal_causes) AS deals
FROM totals AS t
