-- Fragment: the units of the board, as CTEs. The including query defines `moments(m, today)` and
-- `bucketed`, includes _deal_versions or _deal_moment first, and passes $p_start and $p_end.
-- A *unit* is a stretch of moments [u_from, u_to) over which a deal's fields and the stage table
-- stay the same: all the forecast rules say about a deal is constant over a unit, but what depends
-- on today.
stage_rows AS (  -- the default table before anything, then each stage_defined from its bucket on
    SELECT 0 AS bucket, -1 AS seq, stage, rate, lead_days, position, kind FROM default_stages
    UNION ALL
    SELECT bucket, seq, stage, rate, lead_days, position, kind FROM bucketed WHERE type = 'stage_defined'
),
epochs AS (  -- the moments from which a different stage table is in force
    SELECT epoch, lead(epoch, 1, 2147483647) OVER (ORDER BY epoch) AS epoch_end
    FROM (SELECT DISTINCT bucket AS epoch FROM stage_rows)
),
epoch_stages AS (
    SELECT
        e.epoch, s.stage,
        arg_max(s.rate, s.seq) AS rate,
        arg_max(s.lead_days, s.seq) AS lead_days,
        arg_max(s.position, s.seq) AS position,
        arg_max(s.kind, s.seq) AS kind
    FROM epochs AS e JOIN stage_rows AS s ON s.bucket <= e.epoch
    GROUP BY e.epoch, s.stage
),
units AS (
    SELECT
        v.deal, v.from_m,
        greatest(v.from_m, e.epoch) AS u_from,
        least(v.to_m, e.epoch_end) AS u_to,
        e.epoch, v.name, v.owner, v.account, v.stage, v.amount, v.priority, v.close_date,
        v.next_action, v.due, v.version, v.last_seq, v.last_ts_us, v.last_offset, v.last_day,
        s.rate, s.lead_days, s.position, s.kind AS stage_kind,
        v.amount::DECIMAL(38,4) * s.rate AS estimated_value  -- exact: DECIMAL(38,10)
    FROM deal_versions AS v
    JOIN epochs AS e ON e.epoch < v.to_m AND e.epoch_end > v.from_m
    JOIN epoch_stages AS s ON s.epoch = e.epoch AND s.stage = v.stage
    WHERE NOT v.split  -- a split deal leaves the board for good; its parts carry on
),
won_runs AS (
    -- A part split from a deal in a won stage (by the table at the split: won_run) carries the
    -- parent's stage-setting rows before the split on as its own, and those of the parent's parent
    -- when the parent was such a part too: (deal, src, cut) says src's rows before seq `cut` are deal's.
    -- The recursion stays inside: in a WITH RECURSIVE, DuckDB types every UNION of the query by its
    -- first branch (stage_rows' -1 AS seq made seq an INTEGER, which a line past 32767 overflows).
    WITH RECURSIVE runs(deal, src, cut) AS (
        SELECT deal, parent, seq FROM bucketed WHERE type = 'split_part' AND won_run
        UNION ALL
        SELECT r.deal, p.parent, p.seq
        FROM runs AS r JOIN bucketed AS p ON p.deal = r.src AND p.type = 'split_part' AND p.won_run
    )
    SELECT * FROM runs
),
won_rows AS (  -- the rows that set a deal's stage: a part's split row only when it starts a run anew
    SELECT deal, bucket, seq, day, prev_stage
    FROM bucketed
    WHERE (type IN ('deal_opened', 'stage_changed') OR (type = 'split_part' AND NOT won_run))
      AND ts_us >= epoch_us($p_start::DATE::TIMESTAMP) - 2 * 86400000000
),
won_candidates AS (
    -- A deal's won date is the day of its latest stage-setting row whose stage before was not of
    -- kind won (table at the moment), its inherited rows included. Only a row from a day of P or
    -- later can make that date fall in P, and rows are ordered by instant: the rows from two days
    -- before P's first day (UTC), wider than any two offsets apart, are a suffix of each deal's rows
    -- that holds it if it counts.
    SELECT * FROM won_rows
    UNION ALL
    SELECT r.deal, w.bucket, w.seq, w.day, w.prev_stage
    FROM won_runs AS r JOIN won_rows AS w ON w.deal = r.src AND w.seq < r.cut
),
unit_won AS (
    SELECT u.deal, u.u_from, arg_max(c.day, c.seq) AS won_date
    FROM units AS u
    JOIN won_candidates AS c ON c.deal = u.deal AND c.bucket <= u.from_m
    LEFT JOIN epoch_stages AS before ON before.epoch = u.epoch AND before.stage = c.prev_stage
    WHERE u.stage_kind = 'won' AND (c.prev_stage IS NULL OR before.kind <> 'won')
    GROUP BY u.deal, u.u_from
),
units_won AS (
    SELECT
        u.*, w.won_date,
        coalesce(w.won_date BETWEEN $p_start::DATE AND $p_end::DATE, false) AS won_in_period,
        CASE u.priority WHEN 'must' THEN 0 WHEN 'should' THEN 1 ELSE 2 END AS priority_rank
    FROM units AS u LEFT JOIN unit_won AS w ON w.deal = u.deal AND w.u_from = u.u_from
),
