"""Settings from DSAR_* environment variables, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The admin token is the reviewers' only credential: long enough that guessing it is hopeless
# even without the sign-in rate limit (32 characters of token_urlsafe carry 192 bits).
MIN_ADMIN_TOKEN_LENGTH = 32
# The settings read from the environment; create_app(config) accepts the same names.
ENV_SETTINGS = (
    "DSAR_INSTANCE_PATH", "DSAR_DATABASE_URL", "DSAR_SECRET_KEY", "DSAR_SMTP_URL",
    "DSAR_ADMIN_TOKEN", "DSAR_BASE_URL", "DSAR_PROXY_COUNT",
)


class ConfigError(ValueError):
    """A setting that must not be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    secret_key: str
    smtp_url: str
    admin_token: str
    base_url: str
    proxy_count: int

    @property
    def https(self) -> bool:
        """Served over HTTPS: secure cookies and HSTS."""
        return self.base_url.startswith("https://")

    def __post_init__(self) -> None:
        # Checked whenever settings are made (load_settings, dataclasses.replace), so neither
        # the bootstrap nor create_app() can start with a weak token.
        if self.admin_token and len(self.admin_token) < MIN_ADMIN_TOKEN_LENGTH:
            raise ConfigError(
                f"DSAR_ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_LENGTH} characters long "
                f"(it has {len(self.admin_token)}); make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'")

    @property
    def compiled_catalogs(self) -> Path:
        """The UI catalogs compiled by the bootstrap step (never inside the source tree)."""
        return self.instance_path / "catalogs"


def _secret_key(instance_path: Path) -> str:
    """Generate a key once into instance/secret_key (mode 0600) so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _proxy_count(value: str) -> int:
    """How many reverse proxies stand in front of the app (their X-Forwarded-* headers are
    trusted); 0, the default, trusts none, so a client cannot fake its address."""
    if not value.strip().isdigit():
        raise ValueError(f"DSAR_PROXY_COUNT must be a whole number of proxies (0 or more), not {value!r}")
    return int(value)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("DSAR_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DSAR_DATABASE_URL") or f"sqlite:///{instance / 'dsar.sqlite3'}"
    return Settings(
        instance_path=instance,
        database_url=database_url,
        secret_key=env.get("DSAR_SECRET_KEY") or _secret_key(instance),
        smtp_url=env.get("DSAR_SMTP_URL", ""),
        admin_token=env.get("DSAR_ADMIN_TOKEN", ""),
        base_url=(env.get("DSAR_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        proxy_count=_proxy_count(env.get("DSAR_PROXY_COUNT") or "0"),
    )
