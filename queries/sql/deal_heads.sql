-- Some deals as the ledger's fold left them, split parents included: what the reader's checks need
-- to go on from where the cache stops (deal_snapshot always folds every loaded row). $deals: the ids.
-- won_us/won_offset: when a deal now in a won stage last entered one from a stage that was not (a
-- split part of a won deal: its parent's), which a split passes on to its parts.
WITH
firsts AS (
    SELECT deal, min(line) AS opened_line FROM ledger_events WHERE list_contains($deals::VARCHAR[], deal) GROUP BY deal
),
kinds AS (
    SELECT stage, arg_max(kind, seq) AS kind FROM (
        SELECT -1 AS seq, stage, kind FROM default_stages
        UNION ALL SELECT seq, stage, kind FROM ledger_events WHERE type = 'stage_defined'
    ) GROUP BY stage
),
entries AS (
    SELECT e.deal, arg_max(coalesce(e.won_us, e.ts_us), e.seq) AS won_us, arg_max(e.utc_offset, e.seq) AS won_offset
    FROM ledger_events AS e LEFT JOIN kinds AS k ON k.stage = e.prev_stage
    WHERE list_contains($deals::VARCHAR[], e.deal) AND e.type IN ('deal_opened', 'stage_changed', 'split_part')
      AND (e.prev_stage IS NULL OR k.kind <> 'won')
    GROUP BY e.deal
)
SELECT
    s.deal, s.name, s.owner, s.stage, s.amount, s.priority, s.close_date.v, s.account.v,
    f.opened_line, s.events, s.last_ts_us, s.last_offset, s.last_seq // 65536 AS last_line,
    s.note.text, s.note.due, CASE WHEN s.split THEN s.last_seq // 65536 END AS split_line,
    CASE WHEN k.kind = 'won' THEN w.won_us END AS won_us, w.won_offset
FROM deal_snapshot AS s JOIN firsts AS f USING (deal)
LEFT JOIN kinds AS k ON k.stage = s.stage
LEFT JOIN entries AS w USING (deal)
