-- What the board needs to know of the whole ledger besides a forecast, in one row: the months with
-- events, the owners (of any deal, or of a target). The targets and stages come from resume_base.
SELECT
    (SELECT list(m) FROM (SELECT DISTINCT date_trunc('month', day) AS m FROM ledger_events)) AS event_months,
    (SELECT list(DISTINCT owner) FROM (SELECT owner FROM deal_snapshot
                                       UNION SELECT owner FROM ledger_events WHERE type = 'target_set')
     WHERE owner IS NOT NULL) AS owners
