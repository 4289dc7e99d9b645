-- Fragment: `deal_versions` for a query about one moment (every row in bucket 1): no window needed,
-- each deal's one partial is its state (see _deal_partials).
-- @include _deal_partials
deal_versions AS (
    SELECT
        deal, 1 AS from_m, 2147483647 AS to_m, name, owner, account.v AS account, stage, amount, priority,
        close_date.v AS close_date, note.text AS next_action, note.due AS due, events AS version,
        last_seq, last_ts_us, last_offset, last_day, split
    FROM deal_partials
),
