"""The reference server of the CrossDesk sync contract (v1).

It exists so that the contract is executable: the desktop client is tested against
it, the committed OpenAPI document is generated from it, and a team can run it as a
small self-hosted helpdesk backend. It never imports the desktop UI or its storage.
"""
