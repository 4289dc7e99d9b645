-- A period's forecast as of one moment (docs/forecast-rules.md), for the team or one owner: one row
-- with the totals, the listed deals and the promotions.
-- $t_us, $today: the moment; $use_snapshot: see _deal_partials; $period, $p_start, $p_end: the period; $owner: NULL for the team;
-- $big_at: NULL for 25% of the view's target. With no target, needed, chance, coverage and on_track
-- are NULL and no promotion is proposed.
WITH
moments AS (SELECT 1 AS m, $today::DATE AS today),
bucketed AS NOT MATERIALIZED (SELECT *, 1 AS bucket FROM events WHERE ts_us <= $t_us),
-- @include _deal_moment
-- @include _deal_state
board AS (
    SELECT
        u.*,
        u.stage_kind = 'open'
            AND $today::DATE + u.lead_days <= $p_end::DATE
            AND (u.close_date IS NULL OR u.close_date <= $p_end::DATE) AS counts
    FROM units_won AS u
    WHERE $owner::VARCHAR IS NULL OR u.owner = $owner::VARCHAR
),
-- @include _target
totals AS (
    SELECT
        t.target,
        coalesce(sum(b.amount) FILTER (WHERE b.won_in_period), 0) AS won,
        coalesce(sum(b.estimated_value) FILTER (WHERE b.priority = 'must' AND b.counts), 0) AS must_value,
        coalesce(sum(b.amount) FILTER (WHERE b.priority = 'must' AND b.stage_kind = 'open'), 0) AS must_open
    FROM target AS t LEFT JOIN board AS b ON true
    GROUP BY t.m, t.target
),
summary AS (
    SELECT
        target, won,
        won + must_value AS progress,
        target - (won + must_value) AS needed,
        won + must_open AS covered,  -- coverage = covered / target, and chance = progress / target (in Python)
        target - (won + must_value) <= 0 AS on_track,
        coalesce($big_at::DECIMAL(18,4), CASE WHEN target > 0 THEN target / 4 END)::DECIMAL(38,4) AS big_at
    FROM totals
),
listed AS (
    SELECT b.*, coalesce(b.amount >= s.big_at, false) AS big
    FROM board AS b, summary AS s
    WHERE b.stage_kind IN ('open', 'inactive') OR b.won_in_period
),
candidates AS (  -- should-haves then could-haves that count, largest estimated value first
    SELECT
        deal, priority_rank, estimated_value,
        coalesce(sum(estimated_value) OVER (
            ORDER BY priority_rank, estimated_value DESC, deal
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS covered_before
    FROM board
    WHERE priority <> 'must' AND counts
)
SELECT
    s.target, s.won, s.progress, s.needed, s.covered, s.on_track, s.big_at,
    (
        SELECT to_json(coalesce(list({
            'deal': deal, 'name': name, 'owner': owner, 'stage': stage, 'priority': priority,
            'amount': amount, 'estimated_value': estimated_value, 'counts': counts, 'big': big,
            'stage_kind': stage_kind, 'account': account, 'close_date': close_date,
            'next_action': next_action, 'due': due, 'version': version,
            'days_since_change': $today::DATE - last_day, 'won_in_period': won_in_period
        } ORDER BY priority_rank, estimated_value DESC, deal), []))
        FROM listed
    ) AS deals,
    CASE WHEN coalesce(s.needed > 0, false) THEN coalesce((
        SELECT list(deal ORDER BY priority_rank, estimated_value DESC, deal)
        FROM candidates WHERE covered_before < s.needed
    ), []) ELSE [] END AS promotions
FROM summary AS s
