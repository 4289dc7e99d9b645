-- Each stage's configured rate and lead time beside what the ledger's own history shows, as of a
-- moment (see calibration.py for the definitions). $t_us, $today: the moment; $use_snapshot: see
-- _deal_partials; $p_start/$p_end span all time, so that every won deal has its won date.
-- by_owner: the same measures over each owner's closed deals (the deal's owner as of the moment).
WITH
moments AS (SELECT 1 AS m, $today::DATE AS today),
bucketed AS NOT MATERIALIZED (SELECT *, 1 AS bucket FROM events WHERE ts_us <= $t_us),
-- @include _deal_moment
-- @include _deal_state
stage_table AS (SELECT * FROM epoch_stages WHERE epoch = (SELECT max(epoch) FROM epochs)),
entries AS (  -- the day each deal first reached each stage
    SELECT deal, stage, arg_min(day, seq) AS first_day
    FROM bucketed
    WHERE type IN ('deal_opened', 'stage_changed', 'split_part')
    GROUP BY deal, stage
),
closed AS (SELECT deal, owner, stage_kind = 'won' AS won, won_date FROM units_won WHERE stage_kind IN ('won', 'lost')),
measured_all AS (
    SELECT
        e.stage, c.owner, grouping(c.owner) = 1 AS team,
        count(*) AS deals,
        count(*) FILTER (WHERE c.won) AS won_deals,
        quantile_cont(c.won_date - e.first_day, 0.5) FILTER (WHERE c.won) AS lead_days
    FROM entries AS e JOIN closed AS c USING (deal)
    GROUP BY GROUPING SETS ((e.stage), (e.stage, c.owner))
),
measured AS (SELECT * FROM measured_all WHERE team),
owners AS (
    SELECT stage, list({'owner': owner, 'measured_rate': won_deals / deals, 'measured_lead_days': lead_days,
                        'deals': deals, 'won_deals': won_deals} ORDER BY owner) AS by_owner
    FROM measured_all WHERE NOT team
    GROUP BY stage
)
SELECT
    s.stage, s.rate, m.won_deals / m.deals AS measured_rate, s.lead_days, m.lead_days AS measured_lead_days,
    coalesce(m.deals, 0) AS deals, coalesce(m.won_deals, 0) AS won_deals, s.kind, s.position,
    coalesce(o.by_owner, []) AS by_owner
FROM stage_table AS s LEFT JOIN measured AS m USING (stage) LEFT JOIN owners AS o USING (stage)
ORDER BY s.position, s.stage
