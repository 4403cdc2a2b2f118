"""The CrossDesk REST contract (v1): wire models shared by the client and the reference server."""
