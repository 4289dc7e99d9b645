-- Fragment: the columns of a deal_snapshot row (or of a fold of rows shaped like one) in the order
-- loading.deal_of_head reads them.
    deal, name, owner, stage, amount, priority, close_date.v, account.v, opened_line, events, last_seq // 65536, note.text, note.due, CASE WHEN split THEN last_seq // 65536 END
