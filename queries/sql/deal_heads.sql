-- Some deals as the ledger's fold left them, split parents included: what the reader's checks need
-- to go on from where the cache stops (deal_snapshot always folds every loaded row). $deals: the ids.
WITH
firsts AS (
    SELECT deal, min(line) AS opened_line FROM ledger_events WHERE list_contains($deals::VARCHAR[], deal) GROUP BY deal
)
SELECT
    s.deal, s.name, s.owner, s.stage, s.amount, s.priority, s.close_date.v, s.account.v,
    f.opened_line, s.events, s.last_ts_us, s.last_offset, s.last_seq // 65536 AS last_line,
    s.note.text, s.note.due, CASE WHEN s.split THEN s.last_seq // 65536 END AS split_line
FROM deal_snapshot AS s JOIN firsts AS f USING (deal)
