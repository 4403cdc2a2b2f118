"""Redaction for sharing: personal data goes, everything else stays as written."""

from __future__ import annotations

import time

import pytest

from app.domain.redact import MAX_CHARS, Labels, RedactOptions, Redactor, iban_valid, luhn_valid


def redact(text: str, **options: object) -> str:
    return Redactor(RedactOptions(**options))(text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("region", "number"),
    [
        ("DE", "030 12345678"),
        ("DE", "+49 30 901820"),
        ("DE", "0151 23456789"),
        ("BR", "(11) 98765-4321"),
        ("BR", "+55 11 98765-4321"),
        ("JP", "090-1234-5678"),
        ("JP", "03-1234-5678"),
        ("JP", "+81 3-1234-5678"),
        ("US", "(415) 555-2671"),
        ("US", "415.555.2671"),
        ("US", "+1 415 555 2671"),
        ("IN", "98765 43210"),
        ("IN", "+91 98765 43210"),
        ("SA", "+966 50 123 4567"),
        ("CN", "138 0013 8000"),
    ],
)
def test_phone_numbers_of_many_regions_go(region: str, number: str) -> None:
    text = f"please call me at {number} tomorrow"
    assert redact(text, region=region) == "please call me at [phone] tomorrow"


def test_a_national_number_is_found_without_the_customers_region() -> None:
    # The customer is in Mexico but gave a German mobile number, written nationally.
    assert "23456789" not in redact("Handy: 0151 23456789", region="MX")


def test_an_international_number_no_library_knows_still_goes() -> None:
    assert redact("ligue +999 1234 5678 9") == "ligue [phone]"


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",  # Amex, 15 digits in 4-6-5
        "6011 0009 9013 9424",
    ],
)
def test_card_numbers_with_spaces_and_dashes_go(card: str) -> None:
    assert redact(f"my card {card}, exp 12/27") == "my card [card number], exp 12/27"


def test_card_numbers_in_other_digits_go() -> None:
    assert redact("بطاقة ٤١١١ ١١١١ ١١١١ ١١١١ شكرا") == "بطاقة [card number] شكرا"
    assert redact("カード ４１１１ １１１１ １１１１ １１１１") == "カード [card number]"


def test_a_number_that_fails_luhn_is_not_a_card() -> None:
    assert not luhn_valid("4111111111111112")
    # Long numbers that are not cards may still be a phone: but never labelled a card.
    assert "[card number]" not in redact("ref 4111 1111 1111 1112")


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "ES91 2100 0418 4502 0005 1332",
        "NL91 ABNA 0417 1643 00",
        "BR15 0000 0000 0000 1093 2840 814P 2",
    ],
)
def test_ibans_of_several_countries_go(iban: str) -> None:
    assert iban_valid(iban)
    assert redact(f"IBAN: {iban} thanks") == "IBAN: [IBAN] thanks"


def test_an_iban_with_a_wrong_checksum_is_left() -> None:
    assert not iban_valid("DE88 3704 0044 0532 0130 00")
    assert "DE88" in redact("DE88 3704 0044 0532 0130 00")


@pytest.mark.parametrize(
    "email",
    [
        "ana.souza@example.com",
        "ana.souza+orders@example.com.br",
        "o'brien@example.ie".replace("'", ""),
        "josé@bücher.de",
        "用户@例子.中国",
        "a_b-c@sub.mail.example.co.jp",
    ],
)
def test_email_addresses_with_plus_and_idn_go(email: str) -> None:
    assert redact(f"write to {email}.") == "write to [e-mail]."


def test_names_become_role_labels_in_any_case_and_script() -> None:
    names = {"Ana Souza": "Customer", "Ana": "Customer", "Souza": "Customer", "王伟": "Customer"}
    names |= {"Kenji Sato": "Agent 1", "Kenji": "Agent 1"}
    text = "Olá ANA SOUZA, aqui é o Kenji. 王伟你好. Banana and Anastasia stay."
    assert redact(text, literals=names) == (
        "Olá Customer, aqui é o Agent 1. Customer你好. Banana and Anastasia stay."
    )


def test_order_numbers_go_only_when_asked() -> None:
    text = "pedido LM-2026-104233 chegou"
    assert redact(text) == text  # not a phone number either
    assert redact(text, orders=True) == "pedido [order number] chegou"
    custom = redact("order AB-99-1234567", orders=True, order_pattern=r"\bAB-\d\d-\d+\b")
    assert custom == "order [order number]"


@pytest.mark.parametrize(
    "text",
    [
        "delivered on 2026-03-14 at 10:30",
        "entregue em 14/03/2026",
        "total R$ 1.299,90 em 3x",
        "USD 45.00 and €12,50 and ¥3,500 and 1.500 zł",
        "2.890 SAR",
        "tracking LX123456789CN",
        "version 1.2.3, 42 items, room 1204",
        "the year 2026 and 24 hours",
    ],
)
def test_dates_amounts_and_ordinary_numbers_stay(text: str) -> None:
    assert redact(text, region="BR") == text


def test_labels_are_the_callers() -> None:
    labels = Labels(email="[邮箱]", phone="[电话]")
    found = Redactor(RedactOptions(labels=labels))("a@b.cn +86 138 0013 8000")
    assert found == "[邮箱] [电话]"


def test_every_finding_in_one_text_goes_without_disturbing_the_others() -> None:
    text = (
        "Ana Souza <ana@example.com>, tel +55 11 98765-4321, card 4111 1111 1111 1111, "
        "IBAN DE89 3704 0044 0532 0130 00, order LM-2026-104233."
    )
    out = redact(text, literals={"Ana Souza": "Customer"})
    assert out == (
        "Customer <[e-mail]>, tel [phone], card [card number], IBAN [IBAN], order LM-2026-104233."
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "1" * 300_000,
        "a@" * 150_000,
        "+1 " * 100_000,
        "4111 " * 50_000,
        "DE89 " * 60_000,
        "\u202e" + "9" * 1000 + "\x00" * 100,
        "\ud800 broken surrogate 4111 1111 1111 1111",
    ],
)
def test_hostile_text_is_bounded_and_never_crashes(hostile: str) -> None:
    started = time.perf_counter()
    out = Redactor(RedactOptions(region="BR", literals={"x" * 50: "Customer"}))(hostile)
    assert time.perf_counter() - started < 5
    assert len(out) <= MAX_CHARS + 100
