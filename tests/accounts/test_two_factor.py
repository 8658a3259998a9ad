"""Two-factor authentication from the account pages: TOTP with recovery codes; passkeys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from django.test import Client
from tests.accounts.conftest import PASSWORD, log_in


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: HMAC-SHA1 over the 30-second counter, dynamically truncated to 6 digits."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_totp_activation_and_login_with_a_code(politics, make_account) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    account = make_account()
    client = Client()
    log_in(client, account.email, prefix="/politics")
    # Adding a second factor asks for the password again first.
    ask = client.get("/politics/users/account/2fa/totp/activate/")
    assert ask.status_code == 302
    assert ask["Location"].startswith("/politics/users/account/reauthenticate/")
    confirmed = client.post(ask["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(confirmed["Location"])
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown for apps that cannot scan the QR code

    assert (
        client.post("/politics/users/account/2fa/totp/activate/", {"code": "000000"}).status_code
        == 200
    )  # a wrong code is refused
    activated = client.post("/politics/users/account/2fa/totp/activate/", {"code": totp(secret)})
    assert activated.status_code == 302
    types = set(Authenticator.objects.filter(user=account).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = RecoveryCodes(
        Authenticator.objects.get(user=account, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()

    # The password alone no longer signs in: a code is asked for.
    browser = Client()
    step = log_in(browser, account.email, prefix="/politics")
    assert step.status_code == 302
    assert step["Location"] == "/politics/users/account/2fa/authenticate/"
    assert "Log in" in browser.get("/politics/").content.decode()
    wrong = browser.post(step["Location"], {"code": "123456"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    # The code of the next period, so as not to reuse the one that activated TOTP.
    right = browser.post(step["Location"], {"code": totp(secret, time.time() + 30)})
    if right.status_code == 200:  # not accepted yet: the clock has not reached that period
        right = browser.post(step["Location"], {"code": totp(secret)})
    assert right.status_code == 302
    assert "Log out" in browser.get("/politics/").content.decode()

    # A recovery code works once.
    third = Client()
    step = log_in(third, account.email)
    assert third.post(step["Location"], {"code": codes[0]}).status_code == 302
    fourth = Client()
    step = log_in(fourth, account.email)
    assert fourth.post(step["Location"], {"code": codes[0]}).status_code == 200


def test_passkey_pages_are_offered(politics, make_account) -> None:
    account = make_account()
    client = Client()
    log_in(client, account.email)
    index = client.get("/politics/users/account/2fa/").content.decode()
    assert "/politics/users/account/2fa/webauthn/add/" in index
    add = client.get("/politics/users/account/2fa/webauthn/add/", follow=True)
    assert add.status_code == 200
    login_page = Client().get("/politics/users/login").content.decode()
    assert "Log in with a passkey" in login_page
    assert 'src="/static/mfa/js/webauthn.js"' in login_page
