-- What the board needs to know of the whole ledger besides a forecast, in one row: the months with
-- events or a monthly target, the owners (of any deal, or of a target), every target in force.
SELECT
    (SELECT list(m) FROM (SELECT DISTINCT date_trunc('month', day) AS m FROM ledger_events)) AS event_months,
    (SELECT list(DISTINCT owner) FROM (SELECT owner FROM deal_snapshot
                                       UNION SELECT owner FROM ledger_events WHERE type = 'target_set')
     WHERE owner IS NOT NULL) AS owners,
    (SELECT list({'period': period, 'owner': owner, 'amount': amount})
     FROM (SELECT period, owner, arg_max(amount, seq) AS amount FROM ledger_events
           WHERE type = 'target_set' GROUP BY period, owner)) AS targets
