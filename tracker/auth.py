"""Staff accounts: password hashing (argon2id) and user administration.

Viewers need no account. Staff are editors or admins.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import InvalidInputError
from .models import Role, UserIn
from .store import Store

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

# argon2-cffi's PasswordHasher uses argon2id with RFC 9106's recommended parameters.
_hasher = PasswordHasher()


def check_password_rules(password: str) -> None:
    """Raise InvalidInputError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or an unusable hash."""
    if not password_hash or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_user(store: Store, user: UserIn, password: str | None, *, by: str) -> None:
    """Add a staff account. ``password`` may be None for accounts that sign in through OIDC."""
    store.add_user(user, hash_password(password) if password is not None else None, by=by)


def disable_user(store: Store, username: str, *, by: str) -> None:
    """Disable an account; its open sessions end at their next action."""
    store.update_user(username, disabled=1, by=by)


def set_role(store: Store, username: str, role: Role, *, by: str) -> None:
    store.update_user(username, role=Role(role).value, by=by)
