-- Fragment: `deal_versions`, each deal's fields from moment to moment (see _deal_past_partials).
-- @include _deal_past_partials
changing_deals AS (  -- the deals with rows in more than one bucket: only they need a window (a deal
    -- taken from the snapshot has one)
    SELECT deal FROM folded_partials GROUP BY deal HAVING count(*) > 1
),
deal_versions AS (  -- a deal's fields from one of its buckets until its next one
    SELECT
        deal, bucket AS from_m, 2147483647 AS to_m, name, owner, account.v AS account, stage, amount,
        priority, close_date.v AS close_date, note.text AS next_action, note.due AS due, events AS version,
        last_seq, last_ts_us, last_offset, last_day, split
    FROM deal_partials
    WHERE deal NOT IN (SELECT deal FROM changing_deals)
    UNION ALL
    SELECT
        deal,
        bucket AS from_m,
        lead(bucket, 1, 2147483647) OVER (PARTITION BY deal ORDER BY bucket) AS to_m,
        last_value(name IGNORE NULLS) OVER w AS name,
        last_value(owner IGNORE NULLS) OVER w AS owner,
        (last_value(account IGNORE NULLS) OVER w).v AS account,
        last_value(stage IGNORE NULLS) OVER w AS stage,
        last_value(amount IGNORE NULLS) OVER w AS amount,
        last_value(priority IGNORE NULLS) OVER w AS priority,
        (last_value(close_date IGNORE NULLS) OVER w).v AS close_date,
        (last_value(note IGNORE NULLS) OVER w).text AS next_action,
        (last_value(note IGNORE NULLS) OVER w).due AS due,
        sum(events) OVER w AS version,
        last_seq, last_ts_us, last_offset, last_day,
        bool_or(split) OVER w AS split
    FROM deal_partials
    WHERE deal IN (SELECT deal FROM changing_deals)
    WINDOW w AS (PARTITION BY deal ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
