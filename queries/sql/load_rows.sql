-- The rows of one chunk of accepted events, in ledger_events' column order. $tz: the ledger's time
-- zone after the chunk (NULL: none), in which `day` is read.
-- temp.chunk_json (stage_chunk.sql): each event's line, its msgspec encoding (so that DuckDB
-- reads exactly what the reader accepted, with a fixed structure, never read_json's inference) and,
-- for a stage_changed, the deal's stage before it when the reader's side knew it;
-- temp.chunk_parts (stage_parts.sql): one row per split part, the parent's fields at the split
-- filled in by the reader's fold.
WITH
fields AS (  -- each line parsed once, into one column per field
    SELECT line, prev_stage, json_transform(j, '{
        "id": "VARCHAR", "ts": "VARCHAR", "type": "VARCHAR", "by": "VARCHAR", "deal": "VARCHAR",
        "name": "VARCHAR", "owner": "VARCHAR", "account": "VARCHAR", "stage": "VARCHAR",
        "amount": "DECIMAL(18,4)", "priority": "VARCHAR", "close_date": "DATE", "text": "VARCHAR",
        "due": "DATE", "period": "VARCHAR", "rate": "DECIMAL(7,6)", "lead_days": "INTEGER",
        "position": "INTEGER", "kind": "VARCHAR"}') AS f,
        -- the whole line of the ledger-wide events Python folds back (queries/loading.py: resume_base)
        CASE WHEN j LIKE '{"type":"settings_changed"%' OR j LIKE '{"type":"key_result_set"%' THEN j END AS settings_line
    FROM temp.chunk_json
),
parsed AS MATERIALIZED (
    SELECT
        *,
        epoch_us(ts::TIMESTAMPTZ) AS ts_us,
        -- msgspec writes the offset as Z or +HH:MM
        CASE WHEN ts[-1:] = 'Z' THEN 0
             ELSE (CASE WHEN ts[-6:-6] = '-' THEN -1 ELSE 1 END)
                  * (ts[-5:-4]::INTEGER * 3600 + ts[-2:]::INTEGER * 60)
        END AS utc_offset,
        make_timestamp(ts_us + utc_offset * 1000000::BIGINT)::DATE AS own_day  -- the ts's own date
    FROM (SELECT line, prev_stage, settings_line, unnest(f) FROM fields)
),
dated AS (  -- $tz: the ledger's latest time zone, in which `day` is read (NULL: each ts's own offset)
    SELECT *, CASE WHEN $tz::VARCHAR IS NULL THEN own_day
                   ELSE timezone($tz::VARCHAR, make_timestamptz(ts_us))::DATE END AS day
    FROM parsed
),
splits AS (SELECT DISTINCT line, parent, stage FROM temp.chunk_parts),
split_kinds AS (  -- the stage table at each split of the chunk: each stage's kind by its last definition before
    SELECT s.line, d.stage, arg_max(d.kind, d.seq) AS kind
    FROM splits AS s
    JOIN (
        SELECT -1 AS seq, stage, kind FROM default_stages
        UNION ALL SELECT seq, stage, kind FROM events WHERE type = 'stage_defined'
        UNION ALL SELECT line * 65536, stage, coalesce(kind, 'open') FROM parsed WHERE type = 'stage_defined'
    ) AS d ON d.seq < s.line * 65536
    GROUP BY s.line, d.stage
),
chunk AS (
    SELECT
        line * 65536 AS seq, line, 0 AS sub, id, type, ts_us, utc_offset, day, own_day,
        NULL::BOOLEAN AS won_run,
        settings_line AS settings,
        deal, NULL::VARCHAR AS parent, name, owner, account, stage, prev_stage,
        amount, priority, close_date, text, due, period, rate, lead_days, position,
        CASE WHEN type = 'stage_defined' THEN coalesce(kind, 'open') END AS kind,
        "by" AS recorded_by
    FROM dated
    UNION ALL
    SELECT
        p.line * 65536 + p.sub, p.line, p.sub, e.id, 'split_part', e.ts_us, e.utc_offset, e.day, e.own_day,
        coalesce(k.kind = 'won', false),  -- the parent's stage (the part's) by the table at the split
        NULL,
        p.deal, p.parent, p.name, p.owner, p.account, p.stage, NULL,
        p.amount, p.priority, p.close_date, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, e."by"
    FROM temp.chunk_parts AS p JOIN dated AS e ON e.line = p.line
    LEFT JOIN split_kinds AS k ON k.line = p.line AND k.stage = p.stage
),
prior AS (  -- the stage before a stage_changed that the chunk does not say: the deal's last stored one
    SELECT deal, arg_max(stage, seq) AS stage
    FROM events
    WHERE deal IN (SELECT deal FROM dated WHERE type = 'stage_changed' AND prev_stage IS NULL)
      AND stage IS NOT NULL
    GROUP BY deal
)
SELECT
    c.seq, c.line, c.sub, c.id, c.type, c.ts_us, c.utc_offset, c.day, c.own_day, c.won_run,
    c.settings, c.deal, c.parent, c.name,
    c.owner, c.account, c.stage,
    CASE WHEN c.type = 'stage_changed' THEN coalesce(c.prev_stage, prior.stage) END AS prev_stage,
    c.amount, c.priority, c.close_date, c.text, c.due, c.period, c.rate, c.lead_days, c.position,
    c.kind, c.recorded_by
FROM chunk AS c LEFT JOIN prior ON prior.deal = c.deal
-- no ORDER BY: a chunk's split parts are stored after its events, not after their split (every query
-- orders by seq; a sort here took a sixth of the insert)
