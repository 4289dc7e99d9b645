-- Stage a chunk's encoded events in a temporary table of the cursor (read by load_rows.sql).
-- $lines: the events' line numbers; $json: their msgspec encodings, one per line; $prev_stage: for a
-- stage_changed, the deal's stage before it when the reader's side knew it (else NULL).
CREATE OR REPLACE TEMP TABLE chunk_json AS
SELECT unnest($lines::BIGINT[]) AS line, unnest(string_split($json::VARCHAR, chr(10))) AS j,
       unnest($prev_stage::VARCHAR[]) AS prev_stage
