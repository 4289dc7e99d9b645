-- For each deal now parked (its stage of kind inactive in today's table): the stage it was parked
-- from, i.e. the stage before its latest move into an inactive stage. A tranche split off while
-- parked has no such move of its own: its parent's counts.
WITH
stages AS (
    SELECT stage, arg_max(kind, seq) AS kind
    FROM (SELECT -1 AS seq, stage, kind FROM default_stages
          UNION ALL SELECT seq, stage, kind FROM ledger_events WHERE type = 'stage_defined')
    GROUP BY stage
),
parked AS (
    SELECT s.deal FROM deal_snapshot AS s JOIN stages AS k USING (stage) WHERE k.kind = 'inactive' AND NOT s.split
),
lineage AS (
    SELECT deal, deal AS source FROM parked
    UNION ALL
    SELECT p.deal, e.parent FROM parked AS p JOIN ledger_events AS e ON e.deal = p.deal AND e.type = 'split_part'
)
SELECT l.deal, arg_max(e.prev_stage, e.seq) AS parked_from
FROM lineage AS l
JOIN ledger_events AS e ON e.deal = l.source AND e.type = 'stage_changed' AND e.prev_stage IS NOT NULL
JOIN stages AS k ON k.stage = e.stage AND k.kind = 'inactive'
GROUP BY l.deal
