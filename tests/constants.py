"""Values shared by tests that must not import Django (conftest files load before setup)."""

# The password of the accounts tests make (`make_account` in tests/conftest.py).
ACCOUNT_PASSWORD = "correct-horse-battery-9"
