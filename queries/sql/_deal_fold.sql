-- A group of a deal's rows folded to its state after the last of them (the columns of a SELECT ...
-- GROUP BY deal, bucket over deal_rows): each field as the latest row set it, and the group's counts.
        arg_max(name, seq) AS name,
        arg_max(owner, seq) AS owner,
        arg_max(account, seq) AS account,
        arg_max(stage, seq) AS stage,
        arg_max(amount, seq) AS amount,
        arg_max(priority, seq) AS priority,
        arg_max(close_date, seq) AS close_date,
        arg_max(note, seq) AS note,
        sum(events) AS events,
        max(seq) AS last_seq,
        arg_max(ts_us, seq) AS last_ts_us,
        arg_max(utc_offset, seq) AS last_offset,
        arg_max(day, seq) AS last_day,
        bool_or(split) AS split,
        min(line) AS opened_line
