"""Backend fields (order number, order status, plan...): the optional ``fields`` object on
a conversation and on its customer. A server that has them returns them on every read and
in the changes feed; given again on a later inbound message, they replace the old ones."""

from __future__ import annotations

from tests.contract.client import Api, new_id

ORDER = {"order_number": "LM-2026-104233", "order_status": "Shipped", "items": 2, "paid": True}


def test_fields_come_back_on_reads_and_in_the_feed(api: Api) -> None:
    cid, customer = new_id("conv"), new_id("cust")
    created = api.deliver_fields(cid, customer, fields=ORDER, customer_fields={"plan": "Gold"})
    assert created["fields"] == ORDER
    assert created["customer"]["fields"] == {"plan": "Gold"}
    read = api.conversation(cid).json()
    assert read["fields"] == ORDER and read["customer"]["fields"] == {"plan": "Gold"}
    items, _tombstones, _cursor = api.drain("conversations")
    (fed,) = [item for item in items if item["id"] == cid]
    assert fed["fields"] == ORDER


def test_later_fields_replace_earlier_ones_and_absent_keeps_them(api: Api) -> None:
    cid, customer = new_id("conv"), new_id("cust")
    api.deliver_fields(cid, customer, fields=ORDER)
    shipped = {**ORDER, "order_status": "Delivered"}
    assert api.deliver_fields(cid, customer, fields=shipped)["fields"] == shipped
    assert api.deliver_fields(cid, customer)["fields"] == shipped  # not given: kept


def test_a_conversation_without_fields_has_none(api: Api) -> None:
    created = api.deliver_fields(new_id("conv"), new_id("cust"))
    assert created.get("fields") in (None, {})
    assert created["customer"].get("fields") in (None, {})


def test_fields_beyond_the_bounds_are_cut_not_refused(api: Api) -> None:
    hostile = {
        **{f"k{n}": n for n in range(60)},
        "nested": {"not": "a scalar"},
        "list": [1, 2],
        "long": "x" * 5_000,
    }
    created = api.deliver_fields(new_id("conv"), new_id("cust"), fields=hostile)
    fields = created["fields"]
    assert len(fields) <= 30
    assert "nested" not in fields and "list" not in fields
    assert all(len(key) <= 64 for key in fields)
    assert all(not isinstance(value, str) or len(value) <= 500 for value in fields.values())
