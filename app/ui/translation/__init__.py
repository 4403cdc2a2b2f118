"""Translation in the window: incoming messages, the reply preview, packs and team data."""
