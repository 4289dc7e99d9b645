-- The stage table in force at one moment: docs/method.md's defaults, each stage_defined known replacing
-- or adding its stage. $t_us: the moment.
SELECT
    stage,
    arg_max(rate, seq) AS rate,
    arg_max(lead_days, seq) AS lead_days,
    arg_max(position, seq) AS position,
    arg_max(kind, seq) AS kind
FROM (
    SELECT -1 AS seq, stage, rate, lead_days, position, kind FROM default_stages
    UNION ALL
    SELECT seq, stage, rate, lead_days, position, kind FROM events
    WHERE type = 'stage_defined' AND ts_us <= $t_us
)
GROUP BY stage
ORDER BY position, stage
