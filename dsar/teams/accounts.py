"""Teams, accounts and one-time links: the services behind the operator command and the
sign-in pages. Plain values in, rows out; no Flask.

Passwords are hashed with argon2id; invitation and reset links are random tokens of which
only the SHA-256 is stored, single use and expiring (invitations after 7 days, resets after
one hour). Signing in answers the same for an unknown email as for a wrong password, and
spends the same argon2 work on both."""

from __future__ import annotations

import contextlib
import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.requests.models import hash_token
from dsar.teams.models import ROLES, Account, Membership, OneTimeLink, Team

INVITATION_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=1)
MIN_PASSWORD = 12
MAX_PASSWORD = 200
RECOVERY_CODES = 10
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class TeamError(ValueError):
    """An expected refusal, with a message that can be shown as it is."""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 320 or not EMAIL_RE.fullmatch(email):
        raise TeamError(_l("Enter an email address in the right format, like name@example.org"))
    return email


def slug_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise TeamError(_l("Use a password of at least %(n)d characters", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise TeamError(_l("Use a password of at most %(n)d characters", n=MAX_PASSWORD))
    return password


def _new_link(session: Session, purpose: str, valid: timedelta, now: datetime, **fields) -> str:
    token = secrets.token_urlsafe(32)
    session.add(OneTimeLink(purpose=purpose, token_hash=hash_token(token), expires_at=now + valid, **fields))
    return token


def create_team(session: Session, name: str, admin_email: str, *, slug: str | None = None,
                kind: str = "charity", now: datetime | None = None) -> tuple[Team, str]:
    """A new team and the one-time invitation link token for its first admin."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise TeamError(_l("Give the team a name of 1 to 200 characters"))
    slug = slug if slug is not None else slug_for(name)
    if not SLUG_RE.fullmatch(slug or ""):
        raise TeamError(_l("A slug is 1 to 60 lower-case letters, digits and hyphens"))
    if session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise TeamError(_l("There is already a team with the slug %(slug)s", slug=slug))
    email = normalise_email(admin_email)
    team = Team(slug=slug, name=name, kind=kind, address=[], email="")
    session.add(team)
    session.flush()
    token = _new_link(session, "invitation", INVITATION_VALID, now or now_utc(),
                      team_id=team.id, email=email, role="admin")
    return team, token


def invite(session: Session, team: Team, email: str, role: str, *, now: datetime | None = None) -> str:
    if role not in ROLES:
        raise TeamError(_l("Choose a role"))
    email = normalise_email(email)
    member = session.scalar(select(Membership).join(Account).where(
        Membership.team_id == team.id, Account.email == email))
    if member is not None:
        raise TeamError(_l("This person is already a member of the team"))
    return _new_link(session, "invitation", INVITATION_VALID, now or now_utc(),
                     team_id=team.id, email=email, role=role)


def find_link(session: Session, token: str, purpose: str, *, now: datetime | None = None) -> OneTimeLink:
    """The live link for ``token``, or TeamError saying why it cannot be used."""
    link = None
    if token and len(token) <= 100:
        link = session.scalar(select(OneTimeLink).where(
            OneTimeLink.token_hash == hash_token(token), OneTimeLink.purpose == purpose))
    if link is None:
        raise TeamError(_l("This link is not valid. Ask for a new one."))
    if link.used_at is not None:
        raise TeamError(_l("This link has already been used. Ask for a new one."))
    if link.expires_at <= (now or now_utc()):
        raise TeamError(_l("This link has expired. Ask for a new one."))
    return link


def accept_invitation(session: Session, token: str, *, password: str, name: str = "",
                      now: datetime | None = None) -> tuple[Account, Membership]:
    """Join the team the link names; a new account is created for a new email (with this
    password), an existing account must give its own password."""
    now = now or now_utc()
    link = find_link(session, token, "invitation", now=now)
    account = session.scalar(select(Account).where(Account.email == link.email))
    if account is None:
        account = Account(email=link.email, name=" ".join(name.split())[:200],
                          password_hash=_hasher.hash(check_password(password)))
        session.add(account)
        session.flush()
    elif not verify_password(account, password):
        raise TeamError(_l("That password is not right for this account"))
    membership = session.scalar(select(Membership).where(
        Membership.team_id == link.team_id, Membership.account_id == account.id))
    if membership is None:
        membership = Membership(team_id=link.team_id, account_id=account.id, role=link.role)
        session.add(membership)
    link.used_at = now
    session.flush()
    return account, membership


def verify_password(account: Account, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The account for these credentials, or None — same work and answer whether the email
    is unknown or the password wrong."""
    account = session.scalar(select(Account).where(Account.email == (email or "").strip().lower()))
    if account is None:
        with contextlib.suppress(VerificationError):  # the same argon2 work, bound to fail
            _hasher.verify(_DUMMY_HASH, password[:MAX_PASSWORD] or "x")
        return None
    return account if verify_password(account, password) else None


def start_reset(session: Session, email: str, *, now: datetime | None = None) -> tuple[Account, str] | None:
    account = session.scalar(select(Account).where(Account.email == (email or "").strip().lower()))
    if account is None:
        return None
    return account, _new_link(session, "reset", RESET_VALID, now or now_utc(), account_id=account.id)


def finish_reset(session: Session, token: str, password: str, *, now: datetime | None = None) -> Account:
    now = now or now_utc()
    link = find_link(session, token, "reset", now=now)
    account = session.get(Account, link.account_id)
    account.password_hash = _hasher.hash(check_password(password))
    account.session_version += 1  # every signed-in session of this account ends
    link.used_at = now
    return account


# ------------------------------------------------------------------ two-factor (TOTP)

def new_totp_secret() -> str:
    return pyotp.random_base32()


def is_totp_secret(value: str) -> bool:
    """The shape ``new_totp_secret`` makes. The secret travels in a hidden form field while
    the app is set up, so a tampered one must be refused, not handed to pyotp (which raises)."""
    return bool(re.fullmatch(r"[A-Z2-7]{32}", value or ""))


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="dsar")


def enable_totp(account: Account, secret: str, code: str) -> list[str]:
    """Turn two-factor on once the person proves their app has the secret; return the
    recovery codes to show once (only their hashes are kept)."""
    if not pyotp.TOTP(secret).verify((code or "").replace(" ", ""), valid_window=1):
        raise TeamError(_l("That code is not right. Enter the 6-digit code your app shows now."))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    account.totp_secret, account.totp_enabled = secret, True
    account.recovery_code_hashes = [hash_token(c) for c in codes]
    return codes


def check_second_factor(account: Account, code: str) -> bool:
    """A current TOTP code, or an unused recovery code (which is then used up)."""
    code = (code or "").replace(" ", "").lower()
    if account.totp_secret and pyotp.TOTP(account.totp_secret).verify(code, valid_window=1):
        return True
    hashed = hash_token(code)
    if code and hashed in (account.recovery_code_hashes or []):
        account.recovery_code_hashes = [h for h in account.recovery_code_hashes if h != hashed]
        return True
    return False


def team_by_slug(session: Session, slug: str) -> Team | None:
    return session.scalar(select(Team).where(Team.slug == slug))


def membership_for(session: Session, account_id: int, team_slug: str) -> Membership | None:
    return session.scalar(select(Membership).join(Team).where(
        Membership.account_id == account_id, Team.slug == team_slug))


def admins_left(session: Session, team_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.team_id == team_id, Membership.role == "admin")) or 0
