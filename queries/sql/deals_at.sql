-- Some deals ($deals) as the ledger's rows known at $t_us leave them, split parents included, in the
-- columns of loading.py's _HEADS: what a scenario at a past moment is checked against (scenarios.state_at).
-- Only the named deals' rows are folded (a scan of the deal column), not the whole board at T.
SELECT
    deal, name, owner, stage, amount, priority, close_date.v, account.v, opened_line, events, last_ts_us,
    last_offset, last_seq // 65536, note.text, note.due, CASE WHEN split THEN last_seq // 65536 END
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
