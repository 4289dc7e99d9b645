-- stage_chunk.sql for a large chunk whose lines run on ($lines NULL): the events' JSON read from the file
-- $path (loading.insert_chunk wrote it), one event per line, by DuckDB's CSV reader as one column: chr(1)
-- never splits a line (msgspec's JSON, which the reader checks the text is, holds no raw control
-- character), no quote, no escape, lines up to $longest bytes. POSITIONAL JOIN pairs the n-th line read
-- with the n-th line number; its prior stage's code is the n-th character of $prev_codes.
CREATE OR REPLACE TEMP TABLE chunk_json AS
SELECT
    n.line, c.j,
    list_extract($stage_names::VARCHAR[],
                 unicode(substr($prev_codes::VARCHAR, (n.line - $first_line + 1)::BIGINT, 1)) - 32) AS prev_stage
FROM range($first_line::BIGINT, $first_line::BIGINT + $count) AS n(line)
POSITIONAL JOIN read_csv($path, columns = {'j': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
                         header = false, auto_detect = false, max_line_size = $longest) AS c
