"""Signing up, logging in and out, passwords and e-mail verification, through the pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.test import Client, override_settings
from tests.accounts.conftest import PASSWORD, log_in

GENERIC_LOGIN_ERROR = "The email address and/or password you specified are not correct."


def _email() -> str:
    return f"{uuid.uuid4().hex[:10]}@example.org"


def _signup(
    client: Client, prefix: str, email: str, name: str = "Grace Hopper", **extra: str
) -> Any:
    data = {"display_name": name, "email": email, "password1": PASSWORD, **extra}
    return client.post(f"{prefix}/users/signup", data)


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]


def test_signup_on_a_site_signs_in_and_offers_to_join(politics, client, mail_outbox) -> None:
    from pnyx.accounts.models import Account

    email = _email()
    page = client.get("/politics/users/signup")
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("Display name", "Email", "Password"):
        assert re.search(rf"<label for=\"id_\w+\">{label}", html), label

    response = _signup(client, "/politics", email.upper(), next="/politics/questions")
    assert response.status_code == 302
    assert response["Location"] == "/politics/questions"
    account = Account.objects.get(email=email)
    assert account.display_name == "Grace Hopper"
    assert account.password.startswith("argon2")
    # Verification is optional by default: an e-mail asks to confirm, but the person is in.
    assert len(mail_outbox) == 1
    assert "[Politics" in mail_outbox[0].subject
    after = client.get("/politics/questions").content.decode()
    assert "Join this community" in after
    assert "Log in</a>" not in after


def test_signup_at_the_network_root(politics, client) -> None:
    response = _signup(client, "", _email(), name="Root Person")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Root Person" in home
    assert "Log out" in home


def test_signup_refuses_a_bad_display_name_and_a_weak_password(politics, client) -> None:
    from pnyx.accounts.models import Account

    email = _email()
    response = client.post(
        "/politics/users/signup", {"display_name": "x", "email": email, "password1": "12345678"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A display name needs at least 3 characters." in html
    assert "This password is entirely numeric." in html
    assert 'value="' + email + '"' in html  # what was typed is kept
    assert not Account.objects.filter(email=email).exists()


def test_log_in_by_email_whatever_its_case_and_log_out(politics, make_account) -> None:
    account = make_account(email=_email())
    client = Client()
    response = log_in(client, account.email.upper(), prefix="/politics")
    assert response.status_code == 302
    assert response["Location"] == "/politics/"
    assert "Log out" in client.get("/politics/").content.decode()

    # A second browser carrying the same session cookie: logging out in one ends both, since
    # sessions are shared by every server process (kept in the database, not in a process).
    other = Client()
    other.cookies = client.cookies
    assert "Log out" in other.get("/politics/").content.decode()
    client.post("/politics/users/logout")
    assert "Log in" in other.get("/politics/").content.decode()
    assert "Log in" in client.get("/politics/").content.decode()


def test_wrong_password_and_unknown_email_get_the_same_message(politics, make_account) -> None:
    account = make_account(email=_email())
    wrong = log_in(Client(), account.email, "not-the-password", prefix="/politics")
    unknown = log_in(Client(), _email(), "not-the-password", prefix="/politics")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC_LOGIN_ERROR in wrong.content.decode()
    assert GENERIC_LOGIN_ERROR in unknown.content.decode()


def test_password_reset_by_emailed_link(politics, make_account, mail_outbox) -> None:
    account = make_account(email=_email())
    client = Client()
    response = client.post("/politics/users/account/password/reset/", {"email": account.email})
    assert response.status_code == 302
    unknown = Client().post("/politics/users/account/password/reset/", {"email": _email()})
    # The same answer whether or not the address has an account.
    assert unknown.status_code == 302 and unknown["Location"] == response["Location"]
    done = client.get(response["Location"]).content.decode()
    assert "sent you an email" in done or "sent you an e-mail" in done

    reset_mail = next(m for m in mail_outbox if account.email in m.to)
    link = _link(reset_mail)
    assert link.startswith("/politics/users/account/password/reset/key/")
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "a-brand-new-secret-42"
    result = client.post(set_url, {"password1": new_password, "password2": new_password})
    assert result.status_code == 302

    assert log_in(Client(), account.email, PASSWORD).status_code == 200  # old one refused
    assert log_in(Client(), account.email, new_password).status_code == 302


def test_change_password(politics, make_account) -> None:
    account = make_account(email=_email())
    client = Client()
    log_in(client, account.email)
    page = client.get("/politics/users/account/password/change/")
    assert page.status_code == 200
    new_password = "another-long-secret-77"
    response = client.post(
        "/politics/users/account/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert log_in(Client(), account.email, new_password).status_code == 302


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_holds_the_account_until_the_link_is_followed(
    politics, mail_outbox
) -> None:
    email = _email()
    client = Client()
    response = _signup(client, "/politics", email)
    assert response.status_code == 302
    sent_page = client.get(response["Location"]).content.decode()
    assert "Verify Your Email Address" in sent_page or "verification" in sent_page.lower()
    assert "Log in" in client.get("/politics/").content.decode()  # not signed in yet

    # Logging in before verifying only re-sends the link.
    attempt = log_in(Client(), email)
    assert attempt.status_code == 302
    assert "confirm-email" in attempt["Location"]

    link = _link(mail_outbox[0])
    assert "/politics/users/account/confirm-email/" in link
    confirm = client.post(link)
    assert confirm.status_code == 302
    assert "Log out" in client.get("/politics/").content.decode()


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_signup_with_a_registered_email_looks_the_same_when_verification_is_mandatory(
    politics, make_account, mail_outbox
) -> None:
    from pnyx.accounts.models import Account

    taken = make_account(email=_email())
    fresh = _signup(Client(), "/politics", _email(), name="Fresh Person")
    again = _signup(Client(), "/politics", taken.email, name="Someone Else")
    assert fresh.status_code == again.status_code == 302
    assert fresh["Location"] == again["Location"]
    assert Account.objects.filter(email=taken.email).count() == 1
    # The owner of the address is told by e-mail instead.
    assert any(taken.email in m.to and "already" in m.body.lower() for m in mail_outbox)


def test_failed_logins_are_limited_per_account(politics, make_account) -> None:
    account = make_account(email=_email())
    for _ in range(5):
        assert log_in(Client(), account.email, "wrong-password").status_code == 200
    blocked = log_in(Client(), account.email, PASSWORD)
    assert "Too many failed login attempts" in blocked.content.decode()
    # Another account from the same address is still let in.
    other = make_account(email=_email())
    assert log_in(Client(), other.email).status_code == 302


def test_signups_are_limited_per_ip(politics) -> None:
    statuses = [_signup(Client(), "/politics", _email()).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_account_pages_are_on_every_site_and_at_the_root(politics, make_account) -> None:
    account = make_account(email=_email())
    client = Client()
    log_in(client, account.email)
    for prefix in ("", "/politics"):
        for path in (
            "/users/account/",
            "/users/account/email/",
            "/users/account/password/change/",
            "/users/account/2fa/",
            "/users/account/2fa/totp/activate/",
        ):
            response = client.get(prefix + path, follow=True)
            assert response.status_code == 200, prefix + path
            assert "Your account" in response.content.decode(), prefix + path
