-- The pipeline as of one moment: every deal on the board (split parents gone, closed deals kept),
-- in board order: stage position, then priority, then amount from largest, then deal id; as JSON.
-- $t_us, $today: the moment. ($p_start/$p_end only feed won dates, which the pipeline does not show.)
WITH
moments AS (SELECT 1 AS m, $today::DATE AS today),
bucketed AS NOT MATERIALIZED (SELECT *, 1 AS bucket FROM events WHERE ts_us <= $t_us),
-- @include _deal_moment
-- @include _deal_state
board AS (SELECT * FROM units_won)
SELECT to_json(coalesce(list({
    'deal': deal, 'name': name, 'owner': owner, 'account': account, 'stage': stage, 'stage_kind': stage_kind,
    'amount': amount, 'priority': priority, 'close_date': close_date, 'next_action': next_action, 'due': due,
    'version': version, 'days_since_change': $today::DATE - last_day,
    'last_change': rfc3339(last_ts_us, last_offset)
} ORDER BY position, stage, priority_rank, amount DESC, deal), []))
FROM board
