-- Stage a chunk's split parts in a temporary table of the cursor (read by load_rows.sql).
CREATE OR REPLACE TEMP TABLE chunk_parts AS
SELECT
    unnest($part_line::BIGINT[]) AS line, unnest($part_sub::INTEGER[]) AS sub,
    unnest($part_deal::VARCHAR[]) AS deal, unnest($part_parent::VARCHAR[]) AS parent,
    unnest($part_name::VARCHAR[]) AS name, unnest($part_owner::VARCHAR[]) AS owner,
    unnest($part_account::VARCHAR[]) AS account, unnest($part_stage::VARCHAR[]) AS stage,
    unnest($part_amount::DECIMAL(18,4)[]) AS amount, unnest($part_priority::VARCHAR[]) AS priority,
    unnest($part_close_date::DATE[]) AS close_date,
    unnest($part_won_us::BIGINT[]) AS won_us, unnest($part_won_own_day::DATE[]) AS won_own_day
