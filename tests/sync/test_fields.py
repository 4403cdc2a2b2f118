"""Backend fields reach the desk: order details on a conversation and the customer's
plan are mirrored on sync, shown in the Customer section, and updated when the backend
sends new ones (kept when a later message carries none)."""

from __future__ import annotations

from app.ops import customer
from tests.contract.client import Api, new_id
from tests.sync.conftest import DeskFactory


def test_fields_are_mirrored_and_follow_the_backend(admin: Api, make_desk: DeskFactory) -> None:
    cid, who = new_id("conv"), new_id("cust")
    order = {"order_number": "LM-2026-104233", "order_status": "Shipped", "paid": True}
    admin.deliver_fields(cid, who, fields=order, customer_fields={"plan": "Gold", "orders": 4})
    desk = make_desk()
    desk.synced()
    local = desk.conversation_id(cid)

    def view() -> customer.CustomerView:
        return desk.runner.store_call(lambda repo: customer.customer_view(repo, local))

    first = view()
    assert first.conversation_fields == order
    assert first.customer_fields == {"plan": "Gold", "orders": 4}
    delivered = {**order, "order_status": "Delivered"}
    admin.deliver_fields(cid, who, fields=delivered)
    assert local in desk.synced().changes.conversation_ids
    assert view().conversation_fields == delivered
    admin.deliver_fields(cid, who)  # a message without fields keeps them
    desk.synced()
    assert view().conversation_fields == delivered
    assert view().customer_fields == {"plan": "Gold", "orders": 4}
