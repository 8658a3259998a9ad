"""Configuration read from `PNYX_*` environment variables.

Kept apart from `settings.py` so that the command line can validate the environment and report a
one-line error before Django is set up.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from pnyx.errors import ConfigurationError

TRUE_WORDS = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number of seconds") from None
    if seconds < 0:
        raise ConfigurationError(f"{name} cannot be negative")
    return seconds


_HEADER_NAME_RE = re.compile(r"[A-Za-z0-9-]+")
HSTS_DEFAULT_SECONDS = 365 * 24 * 3600


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` -> Django's `SECURE_PROXY_SSL_HEADER`: (`HTTP_X_FORWARDED_PROTO`,
    `https`). A request is taken as HTTPS only when this header says `https`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not _HEADER_NAME_RE.fullmatch(value):
        raise ConfigurationError(f"{name}={value!r} is not a header name (e.g. X-Forwarded-Proto)")
    return ("HTTP_" + value.upper().replace("-", "_"), "https")


@dataclass(frozen=True)
class Config:
    data_dir: Path
    network_database_url: str
    site_database_template: str | None
    redis_url: str | None
    debug: bool
    allowed_hosts: list[str] = field(default_factory=list)
    read_replica_urls: list[str] = field(default_factory=list)
    # Seconds a whole page may be served from memory to cookie-less readers; 0 turns it off.
    page_cache_seconds: int = 60
    # Seconds a process keeps a signed-in account and its site users' top-bar facts.
    account_cache_seconds: int = 10
    # Behind a TLS-terminating proxy: the header it sets, as Django's SECURE_PROXY_SSL_HEADER;
    # None trusts no header, so a client cannot claim HTTPS.
    proxy_ssl_header: tuple[str, str] | None = None
    # Served over HTTPS only: secure session and CSRF cookies, and HSTS for this long.
    https: bool = False
    hsts_seconds: int = 0


def load_config() -> Config:
    """Read the environment. Does not touch the disk; see `prepare_data_dir` for that."""
    data_dir = Path(os.environ.get("PNYX_DATA_DIR") or Path.cwd() / "var").expanduser().absolute()
    network_url = os.environ.get("PNYX_DATABASE_URL") or f"sqlite:///{data_dir / 'network.sqlite3'}"
    proxy_ssl_header = _proxy_ssl_header("PNYX_PROXY_SSL_HEADER")
    https = _flag("PNYX_HTTPS")
    if https and proxy_ssl_header is None:
        # pnyx serve speaks plain HTTP: only the proxy's header can tell a request came over TLS.
        raise ConfigurationError(
            "PNYX_HTTPS=1 needs PNYX_PROXY_SSL_HEADER, the header your TLS-terminating proxy "
            "sets (e.g. X-Forwarded-Proto)"
        )
    return Config(
        data_dir=data_dir,
        network_database_url=network_url,
        site_database_template=os.environ.get("PNYX_SITE_DATABASE_URL") or None,
        redis_url=os.environ.get("PNYX_REDIS_URL") or None,
        debug=_flag("PNYX_DEBUG"),
        allowed_hosts=_list("PNYX_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"],
        read_replica_urls=_list("PNYX_READ_REPLICA_URLS"),
        page_cache_seconds=_seconds("PNYX_PAGE_CACHE_SECONDS", 60),
        account_cache_seconds=_seconds("PNYX_ACCOUNT_CACHE_SECONDS", 10),
        proxy_ssl_header=proxy_ssl_header,
        https=https,
        hsts_seconds=_seconds("PNYX_HSTS_SECONDS", HSTS_DEFAULT_SECONDS) if https else 0,
    )


def private_dir(path: Path) -> None:
    """Create the folder `path` and any missing parent as owner-only (0700): the data directory
    holds the databases, the secret key and dumps being imported."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


def prepare_data_dir(data_dir: Path) -> None:
    """Create the data directory (owner-only) and check that it can be written, or say why
    not."""
    try:
        private_dir(data_dir)
        # One probe per process: several start at once (server workers, import lanes).
        probe = data_dir / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(
            f"data directory {data_dir} cannot be written: {exc.strerror or exc}"
        ) from exc


def secret_key(data_dir: Path) -> str:
    """Return the secret key kept in the data directory, generating it (mode 0600) on first use."""
    env_key = os.environ.get("PNYX_SECRET_KEY")
    if env_key:
        return env_key
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    prepare_data_dir(data_dir)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, one writes and the other reads what it wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _written_key(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _written_key(path: Path) -> str:
    """The key another process has just created, once it has written it."""
    for _ in range(100):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ConfigurationError(f"{path} is empty: delete it and start again")
