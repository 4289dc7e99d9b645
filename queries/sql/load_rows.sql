-- The rows of one chunk of accepted events, in ledger_events' column order. $tz: the ledger's time
-- zone after the chunk (NULL: none), in which `day` is read.
-- temp.chunk_json (stage_chunk.sql): each event's line, its msgspec encoding (so that DuckDB
-- reads exactly what the reader accepted, with a fixed structure, never read_json's inference) and,
-- for a stage_changed, the deal's stage before it when the reader's side knew it;
-- temp.chunk_parts (stage_parts.sql): one row per split part, the parent's fields at the split
-- filled in by the reader's fold.
WITH RECURSIVE
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
        ts[1:10]::DATE AS own_day
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
parent_best AS (  -- for each split, the latest row before it that set the parent's stage from none or from
    -- one not won (table at the split), among the rows stored and the chunk's own events (not its parts)
    SELECT s.line, max(r.seq) AS seq, arg_max(r.moment, r.seq) AS moment, arg_max(r.own_day, r.seq) AS own_day
    FROM splits AS s
    JOIN (
        SELECT deal, seq, prev_stage, coalesce(won_us, ts_us) AS moment,
               CASE WHEN won_us IS NULL THEN own_day ELSE won_day END AS own_day
        FROM events
        WHERE type IN ('deal_opened', 'stage_changed', 'split_part') AND deal IN (SELECT parent FROM splits)
        UNION ALL
        SELECT deal, line * 65536, prev_stage, ts_us, own_day
        FROM dated
        WHERE type IN ('deal_opened', 'stage_changed') AND deal IN (SELECT parent FROM splits)
    ) AS r ON r.deal = s.parent AND r.seq < s.line * 65536
    LEFT JOIN split_kinds AS b ON b.line = s.line AND b.stage = r.prev_stage
    WHERE r.prev_stage IS NULL OR b.kind IS DISTINCT FROM 'won'
    GROUP BY s.line
),
created AS (  -- the parts this chunk opens, and the split that opens each
    SELECT p.deal, p.line, p.line * 65536 + p.sub AS seq, e.ts_us, e.own_day
    FROM temp.chunk_parts AS p JOIN dated AS e ON e.line = p.line
),
split_won(line, moment, own_day, won) AS (
    -- Each split of the chunk and the moment it passes on to its parts when its parent is in a stage of kind
    -- won (table at the split; `won`): the parent's row found above, or, for a parent this chunk opened as a
    -- part, its split_part row if later (its moment: the one its own split passed on, else that split's ts).
    -- Worked out from the rows, so that a load from nothing and a refresh from any line agree
    -- (docs/forecast-rules.md: a part keeps its parent's won date).
    SELECT s.line, b.moment, b.own_day, coalesce(k.kind = 'won', false)
    FROM splits AS s
    LEFT JOIN parent_best AS b ON b.line = s.line
    LEFT JOIN split_kinds AS k ON k.line = s.line AND k.stage = s.stage
    WHERE s.parent NOT IN (SELECT deal FROM created)
    UNION ALL
    SELECT
        s.line,  -- a won split always found a row (every deal has one from no stage: its opening)
        CASE WHEN b.seq > c.seq THEN b.moment WHEN w.won THEN w.moment ELSE c.ts_us END,
        CASE WHEN b.seq > c.seq THEN b.own_day WHEN w.won THEN w.own_day ELSE c.own_day END,
        coalesce(k.kind = 'won', false)
    FROM split_won AS w
    JOIN created AS c ON c.line = w.line
    JOIN splits AS s ON s.parent = c.deal
    LEFT JOIN parent_best AS b ON b.line = s.line
    LEFT JOIN split_kinds AS k ON k.line = s.line AND k.stage = s.stage
),
chunk AS (
    SELECT
        line * 65536 AS seq, line, 0 AS sub, id, type, ts_us, utc_offset, day, own_day,
        NULL::BIGINT AS won_us, NULL::DATE AS won_day,
        settings_line AS settings,
        deal, NULL::VARCHAR AS parent, name, owner, account, stage, prev_stage,
        amount, priority, close_date, text, due, period, rate, lead_days, position,
        CASE WHEN type = 'stage_defined' THEN coalesce(kind, 'open') END AS kind,
        "by" AS recorded_by
    FROM dated
    UNION ALL
    SELECT
        p.line * 65536 + p.sub, p.line, p.sub, e.id, 'split_part', e.ts_us, e.utc_offset, e.day, e.own_day,
        w.won_us,
        CASE WHEN w.won_us IS NULL THEN NULL
             WHEN $tz::VARCHAR IS NULL THEN w.won_own_day
             ELSE timezone($tz::VARCHAR, make_timestamptz(w.won_us))::DATE END,
        NULL,
        p.deal, p.parent, p.name, p.owner, p.account, p.stage, NULL,
        p.amount, p.priority, p.close_date, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, e."by"
    FROM temp.chunk_parts AS p JOIN dated AS e ON e.line = p.line
    LEFT JOIN (SELECT line, moment AS won_us, own_day AS won_own_day FROM split_won WHERE won) AS w ON w.line = p.line
),
prior AS (  -- the stage before a stage_changed that the chunk does not say: the deal's last stored one
    SELECT deal, arg_max(stage, seq) AS stage
    FROM events
    WHERE deal IN (SELECT deal FROM dated WHERE type = 'stage_changed' AND prev_stage IS NULL)
      AND stage IS NOT NULL
    GROUP BY deal
)
SELECT
    c.seq, c.line, c.sub, c.id, c.type, c.ts_us, c.utc_offset, c.day, c.own_day, c.won_us, c.won_day,
    c.settings, c.deal, c.parent, c.name,
    c.owner, c.account, c.stage,
    CASE WHEN c.type = 'stage_changed' THEN coalesce(c.prev_stage, prior.stage) END AS prev_stage,
    c.amount, c.priority, c.close_date, c.text, c.due, c.period, c.rate, c.lead_days, c.position,
    c.kind, c.recorded_by
FROM chunk AS c LEFT JOIN prior ON prior.deal = c.deal
-- no ORDER BY: a chunk's split parts are stored after its events, not after their split (every query
-- orders by seq; a sort here took a sixth of the insert)
