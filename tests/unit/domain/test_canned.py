"""Canned replies without Qt: variables, gaps, actions, suggestions."""

from __future__ import annotations

import json

import pytest

from app.domain.canned import (
    GAP_CLOSE,
    GAP_OPEN,
    MAX_TEMPLATE_CHARS,
    MAX_VALUE_CHARS,
    MAX_VARIABLES,
    CannedActions,
    CannedDataError,
    SuggestContext,
    SuggestWhen,
    gaps_in,
    keyword_in,
    matches,
    parse_actions,
    parse_suggest_when,
    render,
    score,
    suggestions,
    variable_values,
    variables_in,
)
from app.domain.models import Status


def values(**fields: object) -> dict[str, object]:
    return variable_values(
        customer_name="Ana Souza",
        agent_name="Wei Zhang",
        subject="Where is my order?",
        customer_fields={"plan": "Plus"},
        conversation_fields=fields,
    )


def test_variables_are_filled_from_the_conversation() -> None:
    out = render(
        "Olá {{customer.first_name}}, order {{ order.number }} ({{customer.plan}})."
        " {{agent.name}} / {{conversation.subject}}",
        values(order_number="LM-2026-000123"),
    )
    assert out.text == ("Olá Ana, order LM-2026-000123 (Plus). Wei Zhang / Where is my order?")
    assert out.gaps == ()


def test_unknown_or_empty_variables_become_visible_gaps() -> None:
    out = render("Order {{order.number}} for {{customer.nickname}}, {{order.number}}", values())
    assert out.text == "Order ⟦order.number⟧ for ⟦customer.nickname⟧, ⟦order.number⟧"
    assert out.gaps == ("order.number", "customer.nickname")
    assert gaps_in(out.text) == ["order.number", "customer.nickname"]
    assert gaps_in("Order LM-1 is on its way") == []


def test_a_value_never_injects_a_variable_or_a_gap_or_a_line() -> None:
    hostile = "{{agent.name}}" + GAP_OPEN + "x" + GAP_CLOSE + "\n\u202eevil\x00"
    out = render("Hi {{customer.name}}!", {"customer.name": hostile})
    assert "Wei" not in out.text and GAP_OPEN not in out.text and "\n" not in out.text
    assert "\u202e" not in out.text and "\x00" not in out.text
    assert out.text.startswith("Hi {{agent.name}}x")
    long = render("{{customer.name}}", {"customer.name": "x" * 10_000})
    assert len(long.text) == MAX_VALUE_CHARS


def test_hostile_templates_are_bounded_and_never_crash() -> None:
    many = "{{a}}" * (MAX_VARIABLES + 50)
    out = render(many, {"a": "1"})
    assert out.text.count("1") == MAX_VARIABLES and "{{a}}" in out.text
    assert len(render("x" * (MAX_TEMPLATE_CHARS * 2), {}).text) == MAX_TEMPLATE_CHARS
    for broken in ("{{", "}}", "{{ }}", "{{{{a}}}}", "{{a.b.c.d.e.f}}", "{{" + "a" * 500 + "}}"):
        assert isinstance(render(broken, {"a": "v"}).text, str)
    assert variables_in("{{Order.Number}} {{order.number}} {{x}}") == ["order.number", "x"]


def test_first_name_of_a_name_without_spaces_is_the_whole_name() -> None:
    v = variable_values(
        customer_name="王芳",
        agent_name=None,
        subject=None,
        customer_fields={},
        conversation_fields={},
    )
    assert v["customer.first_name"] == "王芳"
    assert render("{{agent.name}}", v).gaps == ("agent.name",)


def test_actions_are_read_leniently_from_stored_data() -> None:
    raw = json.dumps(
        {"status": "pending", "add_tags": ["refund", " refund ", 3], "assign_to": "me"}
    )
    assert parse_actions(raw) == CannedActions(Status.PENDING, ("refund",), "me")
    for junk in ("not json", "[]", '{"status": "snoozed"}', '{"add_tags": 7}', "{" * 10_000):
        assert parse_actions(junk).status is None
    assert parse_actions('{"status": "resolved"}').to_json() == '{"status": "resolved"}'
    assert CannedActions().empty and CannedActions().to_json() == "{}"


@pytest.mark.parametrize(
    "bad",
    ['{"status": "snoozed"}', '{"add_tags": 7}', '{"add_tags": [""]}', "nope", '{"assign_to": 5}'],
)
def test_the_editor_refuses_bad_actions_with_a_reason(bad: str) -> None:
    with pytest.raises(CannedDataError):
        parse_actions(bad, strict=True)


def test_suggestions_rank_keywords_then_tags_then_language_then_country() -> None:
    context = SuggestContext(
        country="BR",
        language="pt-BR",
        tags=("delivery",),
        last_customer_text="Meu pedido ainda não chegou, cadê o RASTREIO?",
    )
    rules = [
        ("country", parse_suggest_when('{"countries": ["br"]}')),
        ("language", parse_suggest_when('{"languages": ["pt"]}')),
        ("tag", parse_suggest_when('{"tags": ["delivery"]}')),
        ("keyword", parse_suggest_when('{"keywords": ["rastreio"]}')),
        ("none", SuggestWhen()),
        ("other-country", parse_suggest_when('{"countries": ["JP"]}')),
        ("both-kinds-one-fails", parse_suggest_when('{"keywords": ["rastreio"], "tags": ["vip"]}')),
    ]
    assert suggestions(rules, context) == ["keyword", "tag", "language", "country"]
    assert score(rules[3][1], context).reasons == ("keyword",)
    assert suggestions(rules, context, limit=2) == ["keyword", "tag"]


def test_keywords_match_whole_words_except_in_unspaced_scripts() -> None:
    assert keyword_in("cod", "is cod possible?") and not keyword_in("cod", "my code")
    assert keyword_in("where is my order", "hi, where is my order??")
    assert keyword_in("退款", "我要退款。") and keyword_in("届いて", "商品が届いていません")


def test_picker_filter_needs_every_word() -> None:
    assert matches("refund  LATE", ["Late refund", "body"])
    assert matches("", ["anything"])
    assert not matches("refund shipping", ["Late refund", "body"])
