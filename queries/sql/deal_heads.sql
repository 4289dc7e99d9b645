-- Some deals ($deals) as the ledger's fold left them, split parents included, found by deal_snapshot's
-- index (under a millisecond at a million events): what an append is checked against (Store.resume).
SELECT
    -- @include _deal_head
FROM deal_snapshot
WHERE deal IN (SELECT unnest($deals::VARCHAR[]))
