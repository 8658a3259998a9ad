"""Sites: one database each, found by name, routed to by the active-site context."""
