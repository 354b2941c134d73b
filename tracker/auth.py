"""Staff accounts: password hashing (argon2id), sign-in, sessions and user administration.

Viewers need no account. Staff are editors or admins. Two ways in, one session model:

- local accounts sign in with a password (``sign_in``); repeated failures make the typed name
  wait, then refuse it for a while (``SignInPolicy``), the same for a name that is no account,
  so neither the messages nor the throttle tell which names are accounts;
- with an identity provider, the dashboard lets Streamlit's OIDC sign-in (``st.login``) vouch
  for an email address and ``sign_in_oidc`` matches it to a tracker user.

Either way the caller gets a random session token. Only its SHA-256 is stored, so a copy of
the database opens no session. ``check_session`` re-reads the session and the user on every
use: a session ends after ``SignInPolicy.session_idle`` without activity, on sign-out, and as
soon as its user is disabled. Nothing here imports Streamlit; time comes from an injectable
clock so tests can move it.

Sign-ins, refused sign-ins of an account, lockouts, sign-outs and sessions ended by inactivity
or a disabled account go to the audit log (``store.SIGN_IN_ACTIONS``), written in the same
transaction as the change they record. Never a password or a token; and never a typed name
that is no account: that is text anyone can send, as much and as often as they like (it could
even be someone's password typed into the wrong box), and the audit log keeps every row for
good.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AuthenticationError, InvalidInputError, NotFoundError
from .models import Role, UserIn
from .store import Store, sign_in_key

#: OWASP ASVS 5.0 (6.2.1): at least 12 characters, configurable upwards with the variable below.
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_LENGTH_ENV = "TRACKER_MIN_PASSWORD_LENGTH"
MAX_PASSWORD_LENGTH = 1024
#: zxcvbn's score (0-4) a new password must reach: 3 is "safely unguessable: moderate
#: protection from offline slow-hash scenario" (~10^10 guesses), which argon2id is.
MIN_PASSWORD_SCORE = 3

SESSION_MINUTES_ENV = "TRACKER_SESSION_MINUTES"
SESSION_MAX_HOURS_ENV = "TRACKER_SESSION_MAX_HOURS"
#: How long a browser has to claim the session its sign-in opened (see ``await_browser``).
CLAIM_WITHIN = dt.timedelta(seconds=60)

# argon2-cffi's PasswordHasher uses argon2id with RFC 9106's recommended parameters.
_hasher = PasswordHasher()

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AccountLockedError(AuthenticationError):
    "Too many failed sign-ins: the typed username must wait before trying again"

    #: Who must wait, by what the refusal counted: the typed name (at this address), the
    #: address (every name tried from it), or the whole server.
    SCOPES = {"account": "for this account", "address": "from your network address",
              "server": "on this server", "current password": "for this account's password change"}

    def __init__(self, until: dt.datetime, now: dt.datetime, scope: str = "account"):
        seconds = max(1, math.ceil((until - now).total_seconds()))
        if seconds <= 90:
            wait = f"{seconds} second{'s' if seconds != 1 else ''}"
        else:
            minutes = math.ceil(seconds / 60)
            wait = f"{minutes} minutes"
        attempts = {"server": "sign-in attempts", "current password": "wrong current passwords"}.get(
            scope, "failed sign-ins")
        super().__init__(f"too many {attempts} {self.SCOPES[scope]}: try again in {wait}")
        self.until = until
        self.scope = scope


class SessionEndedError(AuthenticationError):
    "The session is unknown, signed out, idle too long, or its account was disabled"


@dataclass(frozen=True)
class SignInPolicy:
    """How failed sign-ins are slowed down and how long an idle session lasts.

    Counted per typed username (normalised), whether or not it is an account. After
    ``slow_after`` failures in a row the name waits ``first_wait`` before the next attempt is
    even checked, doubling with each further failure; from ``lock_after`` failures it is
    refused for ``lock_for``, the right password included. A success resets the count, and so
    does ``forget_after`` with no counted attempt (never before a wait is over): the count must
    end some time for names that are no account, or their rows would pile up for ever, and it
    must end the same way for accounts, or waiting it out would tell the two apart.
    """

    slow_after: int = 3
    first_wait: dt.timedelta = dt.timedelta(seconds=5)
    lock_after: int = 5
    lock_for: dt.timedelta = dt.timedelta(minutes=15)
    #: An hour: one 15-minute lock after another allows 4 checked passwords an hour; waiting
    #: for the count to be forgotten allows 5 an hour, no real gain for a guesser.
    forget_after: dt.timedelta = dt.timedelta(hours=1)
    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    #: However active, a session ends this long after its sign-in.
    session_max: dt.timedelta = dt.timedelta(hours=12)
    #: With the source address known, the name is counted per address (the waits above), and
    #: besides: every failure from the address, whatever the name, slows it after this many
    #: (30 names x 1 guess is slowed after a handful) ...
    address_slow_after: int = 5
    #: ... every failure at the account from anywhere slows it (never locks it: no outsider can
    #: lock a named person out) after this many, by at most ``account_max_wait`` ...
    account_slow_after: int = 10
    account_max_wait: dt.timedelta = dt.timedelta(minutes=1)
    #: ... and the server checks at most this many passwords a minute, whoever sends them.
    server_per_minute: int = 300
    #: Activity is written back at most this often, so reading pages is not a write each time.
    touch_every: dt.timedelta = dt.timedelta(seconds=30)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "SignInPolicy":
        """The default policy, with the idle timeout from ``$TRACKER_SESSION_MINUTES`` and the
        longest a session lasts from ``$TRACKER_SESSION_MAX_HOURS``.

        Raises InvalidInputError when the variable is set but not a positive whole number.
        """
        environ = os.environ if environ is None else environ
        chosen = {}
        for name, field, unit in ((SESSION_MINUTES_ENV, "session_idle", "minutes"),
                                  (SESSION_MAX_HOURS_ENV, "session_max", "hours")):
            raw = (environ.get(name) or "").strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) < 1:
                raise InvalidInputError(f"{name} must be a whole number of {unit}, not {raw!r}")
            chosen[field] = dt.timedelta(**{unit: int(raw)})
        return cls(**chosen)

    def address_wait_after(self, failures: int) -> dt.timedelta | None:
        """How long an address waits after ``failures`` failed sign-ins from it (any names)."""
        if failures < self.address_slow_after:
            return None
        return min(self.first_wait * (2 ** (failures - self.address_slow_after)), self.lock_for)

    def account_wait_after(self, failures: int) -> dt.timedelta | None:
        """How long an account waits after ``failures`` failures from any address: a slowdown."""
        if failures < self.account_slow_after:
            return None
        return min(self.first_wait * (2 ** (failures - self.account_slow_after)), self.account_max_wait)

    def wait_after(self, failures: int) -> dt.timedelta | None:
        """How long a typed username waits after ``failures`` failed sign-ins in a row."""
        if failures >= self.lock_after:
            return self.lock_for
        if failures >= self.slow_after:
            return self.first_wait * (2 ** (failures - self.slow_after))
        return None


class SecondFactorNeeded(AuthenticationError):
    "The password was right; the account's second factor (a code) must follow"

    def __init__(self, username: str, ticket: str):
        super().__init__("enter the code from your authenticator app, or a recovery code")
        self.username = username
        #: Opens nothing until ``complete_second_factor`` is given it with a right code.
        self.ticket = ticket


@dataclass(frozen=True)
class Principal:
    """A signed-in staff member, as the database said at the last check."""

    username: str
    display_name: str
    role: Role
    email: str | None = None
    #: Whether the account has a second factor (TOTP) turned on.
    second_factor: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def needs_second_factor(self) -> bool:
        """An admin without a second factor, where admins must have one: until they set it up
        they may do nothing but that (``tracker.workspace`` refuses everything else)."""
        return self.is_admin and not self.second_factor and admin_second_factor_required()


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token goes to the browser session, never into the database."""

    token: str
    principal: Principal


# ---------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------


def min_password_length(environ: Mapping[str, str] | None = None) -> int:
    """``$TRACKER_MIN_PASSWORD_LENGTH`` if set (never below 12), else 12."""
    raw = ((os.environ if environ is None else environ).get(MIN_PASSWORD_LENGTH_ENV) or "").strip()
    if not raw:
        return MIN_PASSWORD_LENGTH
    if not raw.isdigit() or not MIN_PASSWORD_LENGTH <= int(raw) <= 128:
        raise InvalidInputError(f"{MIN_PASSWORD_LENGTH_ENV} must be a whole number from "
                                f"{MIN_PASSWORD_LENGTH} to 128, not {raw!r}")
    return int(raw)


def check_password_rules(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Raise InvalidInputError when a new password is too short, too long, or common or easy to
    guess by zxcvbn's offline estimate (dictionaries of common passwords, names and words,
    keyboard patterns, repeats, dates; ``user_inputs`` such as the username count as known)."""
    shortest = min_password_length()
    if len(password) < shortest:
        raise InvalidInputError(f"the password must be at least {shortest} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with length; past 100 characters its estimate no longer matters.
    verdict = zxcvbn(password[:100], user_inputs=[i for i in user_inputs if i])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        why = (verdict["feedback"].get("warning") or "").rstrip(".")
        raise InvalidInputError("the password is too easy to guess" + (f" ({why[0].lower()}{why[1:]})" if why else "")
                                + ": use a few uncommon words")


def hash_password(password: str, *, user_inputs: tuple[str, ...] = ()) -> str:
    check_password_rules(password, user_inputs=user_inputs)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or an unusable hash."""
    if not password_hash or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _decoy_hash() -> str:
    # Checked against when the username is unknown, so a miss costs as long as a wrong password.
    return _hasher.hash(secrets.token_urlsafe(16))


# ---------------------------------------------------------------------------
# User administration (the CLI calls these; the dashboard goes through tracker.workspace)
# ---------------------------------------------------------------------------


def create_user(store: Store, user: UserIn, password: str | None, *, by: str) -> None:
    """Add a staff account. ``password`` may be None for accounts that sign in through OIDC."""
    inputs = (user.username, user.display_name, user.email or "")
    store.add_user(user, hash_password(password, user_inputs=inputs) if password is not None else None, by=by)


def disable_user(store: Store, username: str, *, by: str) -> None:
    """Disable an account; its open sessions end at their next action."""
    store.update_user(username, disabled=1, by=by)


def enable_user(store: Store, username: str, *, by: str) -> None:
    """Let a disabled account sign in again (its old sessions stay ended)."""
    store.update_user(username, disabled=0, by=by)


def set_role(store: Store, username: str, role: Role, *, by: str) -> None:
    store.update_user(username, role=Role(role).value, by=by)


def set_password(store: Store, username: str, password: str, *, by: str, current: str | None = None,
                 keep_token: str | None = None, policy: SignInPolicy | None = None,
                 clock: Clock = utc_now) -> None:
    """Replace an account's password (checked against the password rules first) and end its
    other sessions (all but ``keep_token``'s).

    ``current``, when given, must be the account's present password (a person changing their
    own): AuthenticationError if it is not. Wrong ones are counted like wrong sign-ins of a name
    (``SignInPolicy.wait_after``, under a key of their own): after a few the change waits, after
    ``lock_after`` it is refused (AccountLockedError) for ``lock_for`` without checking, so an
    open session is no way to guess the password. Signing in is not affected.
    """
    user = store.get_user(username)
    if current is not None:
        policy = policy or SignInPolicy.from_env()
        now = clock()
        key = sign_in_key(f"\ncurrent password\n{username}")
        attempt = store.begin_login_attempt(username, at=now, wait_after=policy.wait_after,
                                            forget_after=policy.forget_after, key=key)
        if attempt["refused_until"]:
            raise AccountLockedError(dt.datetime.fromisoformat(attempt["refused_until"]), now, "current password")
        if not verify_password(user.get("password_hash"), current):
            store.record_sign_in_refused(username, [("password change refused", {
                "reason": "wrong current password", "failures": attempt["failures"]})], at=now)
            raise AuthenticationError("the current password is wrong")
        # Right: this count restarts (and the name's own, as a right password at sign-in does).
        store.record_sign_in_refused(username, [], at=now, forget_failures=[key])
    inputs = (username, user.get("display_name") or "", user.get("email") or "")
    store.update_user(username, password_hash=hash_password(password, user_inputs=inputs), by=by,
                      keep_session=token_hash(keep_token) if keep_token else None)


# ---------------------------------------------------------------------------
# Signing in and sessions
# ---------------------------------------------------------------------------

WRONG_CREDENTIALS = "wrong username or password"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _throttle_keys(username: str, address: str | None, now: dt.datetime, policy: SignInPolicy) -> dict:
    """What ``begin_login_attempt`` counts an attempt under (see ``SignInPolicy``)."""
    if not address:
        return {}
    minute = now.replace(second=0, microsecond=0)

    def server_wait(attempts: int) -> dt.timedelta | None:
        return (minute + dt.timedelta(minutes=1)) - now if attempts >= policy.server_per_minute else None

    return {
        "key": sign_in_key(f"{username}\n{address}"),
        "also": [(sign_in_key(f"\naddress\n{address}"), policy.address_wait_after),
                 (sign_in_key(username), policy.account_wait_after),
                 (sign_in_key(f"\nserver\n{minute.isoformat()}"), server_wait)],
    }


def sign_in(
    store: Store,
    username: str,
    password: str,
    *,
    address: str | None = None,
    code: str | None = None,
    policy: SignInPolicy | None = None,
    clock: Clock = utc_now,
) -> SignedIn:
    """Check a local account's password and open a session.

    Raises AuthenticationError with one message for an unknown user and a wrong password
    alike, AccountLockedError while the typed username must wait (without checking the
    password), and AuthenticationError for a disabled account (only once the password was
    right). An unknown username is counted and made to wait exactly like an account, and costs
    the same password check, so none of these says whether the account exists.

    With the source ``address`` (the dashboard passes it), failures are counted for the name at
    that address, for the address and for the account from anywhere, and against a ceiling for
    the whole server (``SignInPolicy``): five wrong guesses from one address lock the name there
    only.

    An account with a second factor raises SecondFactorNeeded (once the password is right)
    until ``code`` is given: its TOTP code (each works once) or an unused recovery code.
    """
    policy = policy or SignInPolicy.from_env()
    now = clock()
    username = (username or "").strip().lower()
    if not username:
        verify_password(_decoy_hash(), password or "")
        raise AuthenticationError(WRONG_CREDENTIALS)
    keys = _throttle_keys(username, address, now, policy)
    attempt = store.begin_login_attempt(username, at=now, wait_after=policy.wait_after,
                                        forget_after=policy.forget_after, **keys)
    if attempt["refused_until"]:
        also = [key for key, _ in keys.get("also", [])]
        scope = {**dict.fromkeys(also[:1], "address"), **dict.fromkeys(also[2:], "server")}.get(
            attempt.get("refused_by"), "account")
        raise AccountLockedError(dt.datetime.fromisoformat(attempt["refused_until"]), now, scope)
    user = attempt["user"]
    # An account without a password (OIDC only) is checked against the decoy as well, so it
    # takes as long to refuse as a wrong password.
    password_hash = (user or {}).get("password_hash") or _decoy_hash()
    if not verify_password(password_hash, password or "") or user is None:
        if user is not None:
            store.record_sign_in_refused(user["username"], _failure_events(attempt, policy), at=now)
        raise AuthenticationError(WRONG_CREDENTIALS)
    if user["disabled"]:
        store.record_sign_in_refused(
            user["username"], [("sign-in failed", {"method": "password", "reason": "account disabled"})],
            at=now, forget_failures=[keys["key"]] if keys else True,
        )
        raise AuthenticationError("this account is disabled: ask an admin to enable it")
    if user.get("totp_secret"):
        if code is None:
            # A session that opens nothing until its code comes (``complete_second_factor``).
            pending = _open_session(store, user, now, method="password, then a second factor",
                                     forget=[keys["key"]] if keys else (),
                                     uncount=[keys["also"][0][0]] if keys else ())
            store.await_browser(token_hash(pending.token), SECOND_FACTOR_PENDING, until=now + SECOND_FACTOR_WITHIN)
            raise SecondFactorNeeded(user["username"], pending.token)
        if not _second_factor_ok(store, user, code, now):
            store.record_sign_in_refused(user["username"], [("sign-in failed", {
                "method": "password", "reason": "wrong second-factor code", "failures": attempt["failures"]})],
                at=now)
            raise AuthenticationError("wrong or already used code")
    return _open_session(store, user, now, method="password",
                         forget=[keys["key"]] if keys else (), uncount=[keys["also"][0][0]] if keys else ())


def _failure_events(attempt: Mapping, policy: SignInPolicy) -> list[tuple[str, dict]]:
    """The audit entries for a wrong password: the failure, and the lock it starts if any."""
    failed = {"method": "password", "reason": "wrong password", "failures": attempt["failures"]}
    if attempt["wait_until"]:
        failed["wait_until"] = attempt["wait_until"]
    events = [("sign-in failed", failed)]
    if attempt["failures"] >= policy.lock_after:
        events.append(("lockout", {"failures": attempt["failures"], "locked_until": attempt["wait_until"]}))
    return events


def sign_in_oidc(
    store: Store,
    identity: Mapping[str, object],
    *,
    clock: Clock = utc_now,
) -> SignedIn:
    """Open a session for an identity vouched for by the OIDC provider, matched by email.

    ``identity`` holds the provider's claims (Streamlit's ``st.user``). Raises
    AuthenticationError when there is no email, the provider says it is unverified, no
    tracker user has it, or that user is disabled.
    """
    if not identity.get("is_logged_in", True):
        raise AuthenticationError("not signed in with the identity provider")
    email = str(identity.get("email") or "").strip().lower()
    if not email:
        raise AuthenticationError("the identity provider gave no email address to match to a tracker user")
    now = clock()
    user = store.find_user_by_email(email)
    # Only a true boolean passes: a missing claim, null or the string "false" is not a yes.
    if identity.get("email_verified") is not True:
        if user is not None:
            store.record_sign_in_refused(
                user["username"], [("sign-in failed", {"method": "oidc", "reason": "email not verified"})], at=now
            )
        raise AuthenticationError(f"the identity provider has not verified {email}")
    if user is None:
        raise AuthenticationError(f"no tracker account has the email {email}: ask an admin to add one")
    if user["disabled"]:
        store.record_sign_in_refused(
            user["username"], [("sign-in failed", {"method": "oidc", "reason": "account disabled"})], at=now
        )
        raise AuthenticationError("this account is disabled: ask an admin to enable it")
    return _open_session(store, user, now, method="oidc")


def _open_session(store: Store, user: Mapping, now: dt.datetime, *, method: str,
                  forget=(), uncount=()) -> SignedIn:
    token = secrets.token_urlsafe(32)
    store.start_session(token_hash(token), user["username"], at=now, method=method, forget=forget, uncount=uncount)
    return SignedIn(token=token, principal=_principal(user))


def _principal(user: Mapping) -> Principal:
    return Principal(
        username=user["username"],
        display_name=user["display_name"],
        role=Role(user["role"]),
        email=user["email"],
        second_factor=bool(user.get("totp_secret")),
    )


def _parse_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def check_session(
    store: Store,
    token: str | None,
    *,
    policy: SignInPolicy | None = None,
    clock: Clock = utc_now,
) -> Principal:
    """The staff member behind ``token``, re-read from the database, and note the activity.

    Raises SessionEndedError when there is no such open session, it has been idle longer
    than the policy allows (it is then ended), or its user is disabled or gone.
    """
    if not token:
        raise SessionEndedError("you are not signed in")
    policy = policy or SignInPolicy.from_env()
    hashed = token_hash(token)
    session = store.get_session(hashed)
    if session is None or session["ended_at"]:
        raise SessionEndedError("this session has ended: sign in again")
    now = clock()
    if session["bind_browser"] is not None:
        # Waiting for its browser (``claim_session``): its first token opens nothing.
        raise SessionEndedError("this session has ended: sign in again")
    if now - _parse_time(session["created_at"]) > policy.session_max:
        hours = policy.session_max.total_seconds() / 3600
        store.end_session(hashed, at=now, reason=f"signed in longer than {hours:g} hours")
        raise SessionEndedError(f"signed out {hours:g} hours after signing in: sign in again")
    idle = now - _parse_time(session["last_seen_at"])
    if idle > policy.session_idle:
        minutes = int(policy.session_idle.total_seconds() // 60)
        store.end_session(hashed, at=now, reason=f"no activity for {minutes} minutes")
        raise SessionEndedError(f"signed out after {minutes} minutes without activity: sign in again")
    try:
        user = store.get_user(session["username"])
    except NotFoundError:
        user = None
    if user is None or user["disabled"]:
        store.end_session(hashed, at=now, reason="account disabled")
        raise SessionEndedError("this account has been disabled: the session has ended")
    if idle > policy.touch_every:
        store.mark_session_seen(hashed, at=now)
    return _principal(user)


def sign_out(store: Store, token: str | None, *, clock: Clock = utc_now, reason: str | None = None) -> None:
    """End the session behind ``token`` (nothing happens for an unknown or ended one): a
    sign-out, or, with ``reason``, a session ended for that reason."""
    if token:
        store.end_session(token_hash(token), at=clock(), reason=reason)


# ---------------------------------------------------------------------------
# Sessions bound to a browser (the served dashboard; see dashboard/guard.py)
# ---------------------------------------------------------------------------


def await_browser(store: Store, token: str, browser_secret: str, *, clock: Clock = utc_now) -> None:
    """Let only the browser holding ``browser_secret`` (its HttpOnly browser cookie) claim the
    session that ``token`` opened, within ``CLAIM_WITHIN``; until then ``token`` opens nothing."""
    store.await_browser(token_hash(token), token_hash(browser_secret), until=clock() + CLAIM_WITHIN)


def claim_session(store: Store, browser_secret: str | None, *, clock: Clock = utc_now) -> str | None:
    """A new token for the session waiting for the browser holding ``browser_secret``: the
    secret the browser keeps from now on (its first token is dead). None when no session waits
    for it, or the minute to claim it has passed."""
    if not browser_secret:
        return None
    token = secrets.token_urlsafe(32)
    if store.claim_session(token_hash(browser_secret), token_hash(token), at=clock()) is None:
        return None
    return token


def session_is_open(store: Store, token: str | None) -> bool:
    """Whether ``token`` opens a claimed session now (no timeouts checked: for the upload gate)."""
    return bool(token) and store.session_is_open(token_hash(token))


# ---------------------------------------------------------------------------
# The second factor: TOTP (RFC 6238) with recovery codes
# ---------------------------------------------------------------------------

ADMIN_SECOND_FACTOR_ENV = "TRACKER_ADMIN_SECOND_FACTOR"
#: What a session waiting for its second factor is bound to instead of a browser (never a hash).
SECOND_FACTOR_PENDING = "second factor"
SECOND_FACTOR_WITHIN = dt.timedelta(minutes=5)
RECOVERY_CODES = 10
ISSUER = "Policy tracker"


def admin_second_factor_required(environ: Mapping[str, str] | None = None) -> bool:
    """Whether admins must have a second factor: yes unless ``$TRACKER_ADMIN_SECOND_FACTOR`` is
    ``optional`` (editors may always choose)."""
    raw = ((os.environ if environ is None else environ).get(ADMIN_SECOND_FACTOR_ENV) or "").strip().lower()
    return raw != "optional"


def new_second_factor_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def second_factor_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (typed or as a QR code)."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode("ascii", "ignore")).hexdigest()


def _totp_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step (this one, or one either side for a clock that drifts) whose code is
    ``code``, or None."""
    import pyotp

    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _second_factor_ok(store: Store, user: Mapping, code: str, now: dt.datetime) -> bool:
    code = _normalise_code(code)
    if len(code) == 6 and code.isdigit():
        step = _totp_step(user["totp_secret"], code, now)
        return step is not None and store.use_totp_step(user["username"], step)
    return bool(code) and store.use_recovery_code(user["username"], _recovery_hash(code))


def enable_second_factor(store: Store, username: str, secret: str, code: str, *, by: str,
                         clock: Clock = utc_now) -> list[str]:
    """Turn TOTP on for ``username`` once ``code`` shows their app has ``secret``; returns the
    recovery codes, shown once (only their hashes are kept). Raises InvalidInputError for a
    wrong code."""
    step = _totp_step(secret, _normalise_code(code), clock())
    if step is None:
        raise InvalidInputError("that code is not right: check the time on your phone, then try the next one")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    store.set_second_factor(username, secret, [_recovery_hash(c) for c in codes], by=by)
    store.use_totp_step(username, step)
    return codes


def disable_second_factor(store: Store, username: str, *, by: str) -> None:
    store.set_second_factor(username, None, [], by=by)


def recovery_codes_left(store: Store, username: str) -> int:
    import json

    raw = store.get_user(username).get("recovery_hashes")
    return len(json.loads(raw)) if raw else 0


def complete_second_factor(
    store: Store,
    ticket: str | None,
    code: str,
    *,
    address: str | None = None,
    policy: SignInPolicy | None = None,
    clock: Clock = utc_now,
) -> SignedIn:
    """The second step of a sign-in that raised SecondFactorNeeded: with a right ``code`` the
    session behind ``ticket`` opens. Each code is counted like a password (the same throttle);
    raises AuthenticationError for a wrong code, SessionEndedError when the ticket is unknown
    or its five minutes have passed."""
    policy = policy or SignInPolicy.from_env()
    now = clock()
    session = store.get_session(token_hash(ticket)) if ticket else None
    if (session is None or session["ended_at"] or session["bind_browser"] != SECOND_FACTOR_PENDING
            or _parse_time(session["bind_until"]) <= now):
        raise SessionEndedError("the sign-in took too long: start again")
    username = session["username"]
    keys = _throttle_keys(username, address, now, policy)
    attempt = store.begin_login_attempt(username, at=now, wait_after=policy.wait_after,
                                        forget_after=policy.forget_after, **keys)
    if attempt["refused_until"]:
        raise AccountLockedError(dt.datetime.fromisoformat(attempt["refused_until"]), now)
    user = attempt["user"]
    if user is None or user["disabled"] or not user.get("totp_secret"):
        store.end_session(token_hash(ticket), at=now, reason="account changed during sign-in")
        raise SessionEndedError("the sign-in took too long: start again")
    if not _second_factor_ok(store, user, code, now):
        store.record_sign_in_refused(username, _failure_events(attempt, policy), at=now)
        raise AuthenticationError("wrong or already used code")
    store.second_factor_given(token_hash(ticket), SECOND_FACTOR_PENDING,
                              forget=[sign_in_key(username)] + ([keys["key"]] if keys else []))
    return SignedIn(token=ticket, principal=_principal(store.get_user(username)))
