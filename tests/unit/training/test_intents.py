"""Intents are recognised in the trainee's own language, and negations do not count."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.datafiles import DataFileError
from app.training.intents import IntentIndex, build_matcher, load_intents, reply_language

EN = [
    ("I'm so sorry for the delay.", "apology"),
    ("We apologize for the inconvenience.", "apology"),
    ("I completely understand how frustrating this is.", "empathy"),
    ("Could you share your order number, please?", "asks_order_number"),
    ("Could you share your tracking number, please?", "asks_order_number"),
    ("Could you send us a photo of the damage?", "asks_details"),
    ("It will arrive on March 3.", "gives_date"),
    ("It will arrive on 3 March.", "gives_date"),
    ("Expected delivery: 03/03.", "gives_date"),
    ("It will arrive tomorrow.", "gives_date"),
    ("You will have it within 3 days.", "gives_date"),
    ("We will deliver it by Friday.", "gives_date"),
    ("Here is your tracking number: 1Z999.", "gives_tracking"),
    ("We will give you a full refund.", "offers_refund"),
    ("We can't replace it, but we can refund you in full.", "offers_refund"),
    ("We'll send you a replacement right away.", "offers_replacement"),
    ("Our technician can repair it.", "offers_repair"),
    ("As a gesture of goodwill, here is a voucher.", "offers_compensation"),
    ("You can pay in 10 interest-free installments.", "explains_payment_option"),
    ("Cash on delivery is available.", "explains_payment_option"),
    ("Under our policy you can return it within 30 days.", "explains_policy"),
    ("I'll escalate this to my supervisor.", "escalates"),
    ("I will get back to you by tomorrow.", "promises_followup"),
    ("Please confirm your date of birth to verify your identity.", "verifies_identity"),
    ("By law we must respond no later than one month.", "states_deadline"),
    ("Dear Mr. Tanaka", "uses_honorific"),
    ("Thank you, Tanaka-san.", "uses_honorific"),
    ("Good morning!", "greeting"),
    ("Have a great day!", "closing"),
    ("Thanks a lot!", "thanks"),
    ("Flash sale: buy now!", "hard_sell"),
    ("You should have read the instructions.", "blames_customer"),
    ("We cannot offer a refund.", "refuses"),
]
ZH = [
    ("非常抱歉给你带来不便。", "apology"),
    ("我理解你的心情。", "empathy"),
    ("请问你的订单号是多少？", "asks_order_number"),
    ("请问物流单号是多少？", "asks_order_number"),
    ("能否提供一张照片？", "asks_details"),
    ("包裹3月3日送达。", "gives_date"),
    ("明天就到。", "gives_date"),
    ("3天内送达。", "gives_date"),
    ("周五前送达。", "gives_date"),
    ("快递单号是 SF123。", "gives_tracking"),
    ("我们为你全额退款。", "offers_refund"),
    ("我们马上为你补发一件。", "offers_replacement"),
    ("可以免费维修。", "offers_repair"),
    ("送你一张优惠券作为补偿。", "offers_compensation"),
    ("可以分期付款，也支持货到付款。", "explains_payment_option"),
    ("根据我们的退货政策，30天内可退。", "explains_policy"),
    ("我会把你的情况转交给主管。", "escalates"),
    ("我查一下，稍后联系你。", "promises_followup"),
    ("请提供注册手机号以核实身份。", "verifies_identity"),
    ("最迟一个月内答复。", "states_deadline"),
    ("田中先生，你好。", "uses_honorific"),
    ("你好！", "greeting"),
    ("祝你生活愉快！", "closing"),
    ("谢谢你的耐心。", "thanks"),
    ("限时秒杀，立即购买！", "hard_sell"),
    ("这是你自己的问题。", "blames_customer"),
    ("我们无法退款。", "refuses"),
    ("很抱歉，无法退款。", "refuses"),
]


@pytest.mark.parametrize(("text", "intent"), EN, ids=[i for _t, i in EN])
def test_english(intents: IntentIndex, text: str, intent: str) -> None:
    assert intent in intents.detect(text, "en")


@pytest.mark.parametrize(("text", "intent"), ZH, ids=[i for _t, i in ZH])
def test_chinese(intents: IntentIndex, text: str, intent: str) -> None:
    assert intent in intents.detect(text, "zh")


@pytest.mark.parametrize(
    ("text", "language", "absent"),
    [
        ("I'm not sorry at all.", "en", "apology"),
        ("There will be no apology.", "en", "apology"),
        ("We cannot offer a refund.", "en", "offers_refund"),
        ("No refund is possible for this item.", "en", "offers_refund"),
        ("Unfortunately we are unable to refund opened items.", "en", "offers_refund"),
        ("I don't understand what you mean.", "en", "empathy"),
        ("How can I help you today?", "en", "gives_date"),
        ("It costs $19.99 and 1.5 kg.", "en", "gives_date"),
        ("Your order number is SA-48213.", "en", "asks_order_number"),
        ("We will e-mail you the tracking number tonight.", "en", "asks_order_number"),
        ("Your tracking number is 1Z999AA10123456784.", "en", "asks_order_number"),
        ("Pay with Pix and get 5% off.", "en", "hard_sell"),
        ("我们无法退款。", "zh", "offers_refund"),
        ("不能给你换货。", "zh", "offers_replacement"),
        ("不需要道歉。", "zh", "apology"),
        ("我不理解。", "zh", "empathy"),
        ("您好，请问有什么可以帮您？", "zh", "uses_honorific"),  # 您 is the register's business
        ("关于你的问题，我来解答。", "zh", "blames_customer"),
        ("你的订单号是 SA-48213。", "zh", "asks_order_number"),
        ("发货后我们会把物流单号发给你。", "zh", "asks_order_number"),
        ("你的耳机无法充电，我们深表歉意。", "zh", "refuses"),  # the fault, not a refusal
        ("请问能不能提供订单号？", "zh", "refuses"),
        ("给你带来不愉快的体验，非常抱歉。", "zh", "closing"),
    ],
)
def test_negations_and_near_misses(
    intents: IntentIndex, text: str, language: str, absent: str
) -> None:
    assert absent not in intents.detect(text, language)


def test_language_matters_and_normalisation(intents: IntentIndex) -> None:
    assert "apology" not in intents.detect("非常抱歉", "en")  # English phrases only
    assert "apology" in intents.detect("ＳＯＲＲＹ for the wait", "en")  # full-width letters
    assert "apology" in intents.detect("so\u200brry", "en")  # an invisible character
    assert "apology" in intents.detect("I’m sorry", "zh-CN".replace("zh-CN", "en"))
    assert intents.detect("sorry", "zh_CN") == intents.detect("sorry", "zh")
    assert "apology" not in intents.detect("sorrynotsorry", "en")  # whole words


def test_labels(intents: IntentIndex) -> None:
    assert intents.label("apology", "en") == "Apologises"
    assert intents.label("apology", "zh_CN") == "致歉"
    assert intents.label("no_such_intent", "en") == "no_such_intent"


def test_scenario_intents_add_and_replace(intents: IntentIndex) -> None:
    from app.training.intents import IntentSpec

    local = {
        "wishes_ramadan": IntentSpec(
            "wishes_ramadan",
            "Ramadan greeting",
            "斋月问候",
            {"en": build_matcher(["ramadan kareem"])},
        ),
        "apology": IntentSpec("apology", "Apology", "致歉", {"en": build_matcher(["my deepest"])}),
    }
    found = intents.detect("Ramadan Kareem! Sorry for the wait.", "en", local)
    assert "wishes_ramadan" in found
    assert "apology" not in found  # the scenario's own definition replaced the built-in
    assert intents.label("wishes_ramadan", "zh_CN", local) == "斋月问候"


def test_built_in_intents_of_the_spec_exist(intents: IntentIndex) -> None:
    required = {
        "greeting", "closing", "thanks", "apology", "empathy", "asks_order_number",
        "asks_details", "gives_date", "gives_tracking", "offers_refund", "offers_replacement",
        "offers_repair", "offers_compensation", "explains_payment_option", "explains_policy",
        "escalates", "promises_followup", "verifies_identity", "states_deadline",
        "uses_honorific", "hard_sell", "blames_customer", "refuses",
    }  # fmt: skip
    assert required <= set(intents.specs)
    for spec in intents.specs.values():
        assert set(spec.matchers) == {"en", "zh"}, spec.id


def test_broken_intents_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(
        "intents:\n  apology:\n    label: {en: A, zh_CN: B}\n    en: {regex: '(sorry'}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as caught:
        load_intents(path)
    assert caught.value.line == 4
    assert "does not compile" in caught.value.problem
    path.write_text("intents:\n  Bad-Id:\n    label: {en: A, zh_CN: B}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_intents(path)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("text", "chosen", "expected"),
    [
        ("We are sorry, Mr Sato.", "zh", "en"),
        ("非常抱歉，我们明天寄出新的水壶。", "en", "zh"),
        ("订单 SA-48213 明天到", "en", "zh"),
        ("Order 订 SA-48213 will arrive tomorrow", "zh", "en"),
        ("12345 !!!", "zh", "zh"),
    ],
)
def test_a_reply_is_read_in_the_language_it_is_written_in(
    text: str, chosen: str, expected: str
) -> None:
    """A Chinese-speaking trainee who answers in English is checked as English."""
    assert reply_language(text, chosen) == expected
