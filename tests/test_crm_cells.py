"""CRM cells read strictly: exact amounts in either decimal mark, dates in a stated order, refusals that name both readings."""

import datetime as dt
from decimal import Decimal

import pytest

from queries.crm.cells import CellError, amount, date


@pytest.mark.parametrize("text, mark, expected", [
    ("$12,500.00", None, "12500.00"),
    ("USD 8,900.50", None, "8900.50"),
    ("12.500,00 €", None, "12500.00"),
    ("EUR 1 234 567,89", None, "1234567.89"),
    ("1\u00a0234,5", None, "1234.5"),
    ("CHF 1'234.50", None, "1234.50"),
    ("1234.56", None, "1234.56"),
    ("12,5", None, "12.5"),
    ("100.10", None, "100.10"),
    ("1,234,567", None, "1234567"),
    ("", None, "0"),
    ("1,234", ".", "1234"),
    ("1,234", ",", "1.234"),
    ("1.234", ",", "1234"),
    ("$51,000", ".", "51000"),
])
def test_amounts_are_exact_decimals(text, mark, expected):
    value = amount(text, mark)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected) and str(value) == expected


@pytest.mark.parametrize("text", ["1,234", "1.234", "$51,000", "€ 2.500"])
def test_an_amount_that_reads_two_ways_is_refused_naming_both(text):
    with pytest.raises(CellError) as err:
        amount(text)
    message = str(err.value)
    digits = text.strip("$€ ").replace(",", "").replace(".", "")
    assert "ambiguous" in message and digits in message and "--decimal-mark" in message
    assert f"{digits[:-3]}.{digits[-3:]}" in message


@pytest.mark.parametrize("text, mark", [("-5", None), ("(5)", None), ("abc", None), ("1.2.3,4,5", None),
                                        ("1.5", ","), ("12,34", "."), ("10000000000001", None)])
def test_bad_amounts_are_refused(text, mark):
    with pytest.raises(CellError):
        amount(text, mark)


@pytest.mark.parametrize("text, order, expected", [
    ("2026-12-31", None, dt.date(2026, 12, 31)),
    ("2026-12-31 00:00", None, dt.date(2026, 12, 31)),
    ("2026-12-31T23:59:00+07:00", None, dt.date(2026, 12, 31)),
    ("31.12.2026", None, dt.date(2026, 12, 31)),
    ("12/31/2026", None, dt.date(2026, 12, 31)),
    ("31/12/2026", None, dt.date(2026, 12, 31)),
    ("03/04/2026", "mdy", dt.date(2026, 3, 4)),
    ("03/04/2026", "dmy", dt.date(2026, 4, 3)),
    ("04/04/2026", None, dt.date(2026, 4, 4)),
    ("", None, None),
])
def test_dates_as_the_exports_write_them(text, order, expected):
    assert date(text, order) == expected


def test_an_ambiguous_date_is_refused_naming_both_readings():
    with pytest.raises(CellError) as err:
        date("03/04/2026")
    assert "2026-03-04" in str(err.value) and "2026-04-03" in str(err.value) and "--date-order" in str(err.value)


@pytest.mark.parametrize("text", ["31/12/26", "2026-02-30", "13/13/2026", "tomorrow", "12/31/2026", ])
def test_bad_dates_are_refused(text):
    order = "dmy" if text == "12/31/2026" else None  # no 31st month
    with pytest.raises(CellError):
        date(text, order)
