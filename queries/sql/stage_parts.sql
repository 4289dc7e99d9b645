-- Stage a chunk's split parts in a temporary table of the cursor (read by load_rows.sql).
-- $parts: one JSON array per part, per line (loading.chunk_params): its split's line, its place in the
-- split, then the part's fields, the parent's at the split filled in by the reader's fold; every value is
-- read as text and cast here (a Decimal comes as a string of its digits, a date as ISO text).
CREATE OR REPLACE TEMP TABLE chunk_parts AS
SELECT
    p[1]::BIGINT AS line, p[2]::INTEGER AS sub, p[3] AS deal, p[4] AS parent, p[5] AS name, p[6] AS owner,
    p[7] AS account, p[8] AS stage, p[9]::DECIMAL(18,4) AS amount, p[10] AS priority, p[11]::DATE AS close_date
FROM (
    SELECT json_transform(j, '["VARCHAR"]') AS p
    FROM (SELECT unnest(string_split($parts::VARCHAR, chr(10))) AS j)
    WHERE j <> ''
)
