-- Fragment: the columns of a row of `bucketed` as a deal's fold reads it (_deal_fold), the deal's fields
-- it sets; nullable fields ride in structs: a struct holding NULL still clears the field.
        deal, bucket, seq, name, owner,
        CASE WHEN type IN ('deal_opened', 'split_part') THEN {'v': account} END AS account,
        stage, amount, priority,
        CASE WHEN type IN ('deal_opened', 'close_date_changed', 'split_part') THEN {'v': close_date} END
            AS close_date,
        CASE WHEN type = 'note_added' THEN {'text': text, 'due': due} END AS note,
        1 AS events, ts_us, utc_offset, day, type = 'deal_split' AS split, line
