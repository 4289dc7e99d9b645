-- Some deals ($deals) as the ledger's rows known at $t_us leave them, split parents included, as
-- deal_heads.sql gives them at the end: what a scenario at a past moment is checked against
-- (scenarios.state_at). Only the named deals' rows are folded (a scan of the deal column), not the whole
-- board at T.
SELECT
    -- @include _deal_head
FROM (
    SELECT
        deal,
        -- @include _deal_fold
    FROM (
        SELECT
            -- @include _deal_row
        FROM (
            SELECT *, 1 AS bucket FROM main.ledger_events
            WHERE ts_us <= $t_us AND deal IN (SELECT unnest($deals::VARCHAR[]))
        )
    )
    GROUP BY deal, bucket
)
