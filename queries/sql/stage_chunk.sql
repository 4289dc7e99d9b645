-- Stage a chunk's encoded events in a temporary table of the cursor (read by load_rows.sql).
-- $json: the events as JSON, one per line; their line numbers: $lines, or when NULL (no gap) the $count
-- lines from $first_line; a stage_changed's prior stage, when the reader's side knew it: one character
-- per event in $prev_codes, chr(32 + k), k the stage's place in $stage_names (0: not known, NULL).
-- Few large values, not lists of a Python object per event: DuckDB turns those into its own values
-- holding the GIL, which the reading thread then waits for.
CREATE OR REPLACE TEMP TABLE chunk_json AS
SELECT line, j, list_extract($stage_names::VARCHAR[], code) AS prev_stage
FROM (
    SELECT unnest(coalesce($lines::BIGINT[], range($first_line::BIGINT, $first_line::BIGINT + $count))) AS line,
           unnest(string_split($json::VARCHAR, chr(10))) AS j,
           unicode(unnest(string_split($prev_codes::VARCHAR, ''))) - 32 AS code
)
