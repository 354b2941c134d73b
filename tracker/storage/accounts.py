"""Staff accounts and sessions: users, sign-in throttling, timed and browser-bound sessions,
second factors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..errors import AlreadyExistsError, NotFoundError
from ..models import User, UserIn
from .shared import _drop, _now, _recorder, _utc_text


def sign_in_key(name: str) -> str:
    """What ``sign_in_attempts`` is keyed by: the SHA-256 of a normalised typed username.

    The table then holds no typed text (a password typed into the username box, a megabyte of
    an attacker's text) and every row is the same small size.
    """
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """Staff accounts, sign-ins and sessions (see ``Store``)."""

    # -- users and sessions ------------------------------------------------

    def add_user(self, user: UserIn, password_hash: str | None, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO users (username, display_name, email, role, password_hash, created_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (user.username, user.display_name, user.email, user.role.value, password_hash, _now()),
                )
            except sqlite3.IntegrityError as exc:
                if "email" in str(exc):
                    raise AlreadyExistsError(f"another user already has the email {user.email}") from None
                raise AlreadyExistsError(f"user {user.username!r} already exists") from None
            self._audit(conn, by, "create", "user", user.username, after=user.model_dump(mode="json"))
            self._bump_version(conn)

    def get_user(self, username: str) -> dict:
        rows = self._rows("SELECT * FROM users WHERE username = ?", (username,))
        if not rows:
            raise NotFoundError(f"user {username!r} does not exist")
        return rows[0]

    def find_user_by_email(self, email: str) -> dict | None:
        rows = self._rows("SELECT * FROM users WHERE email = ?", (email.lower(),))
        return rows[0] if rows else None

    def users(self) -> list[User]:
        return [
            User.model_validate(_drop(r, "password_hash", "failed_logins", "locked_until", "version",
                                      "totp_secret", "totp_last_step", "recovery_hashes"))
            for r in self._rows("SELECT * FROM users ORDER BY username")
        ]

    def update_user(self, username: str, *, by: str, keep_session: str | None = None, **changes: Any) -> None:
        """Change a user's role, display name, email, password hash or disabled flag.

        Disabling the account, changing its role or its password ends its open sessions (a new
        password keeps ``keep_session``, the token hash of the session that changed it)."""
        by = _recorder(by)
        allowed = {"role", "display_name", "email", "password_hash", "disabled"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        with self._write() as conn:
            before = self._rows("SELECT role, display_name, email, disabled FROM users WHERE username = ?",
                                (username,))
            if not before:
                raise NotFoundError(f"user {username!r} does not exist")
            sets = ", ".join(f"{k} = :{k}" for k in changes)
            conn.execute(
                f"UPDATE users SET {sets}, version = version + 1 WHERE username = :username",
                {**changes, "username": username},
            )
            # A disabled account, a new role or a new password ends every session the account
            # had open: whoever held one may be why the change was made.
            if changes.get("disabled"):
                self._end_user_sessions(conn, username, reason=f"account disabled by {by}")
            elif "role" in changes and changes["role"] != before[0]["role"]:
                self._end_user_sessions(conn, username, reason=f"role changed by {by}")
            elif "password_hash" in changes:
                self._end_user_sessions(conn, username, reason=f"password changed by {by}", keep=keep_session)
            shown = {k: ("(changed)" if k == "password_hash" else v) for k, v in changes.items()}
            self._audit(conn, by, "update", "user", username, before=before[0], after=shown)
            self._bump_version(conn)

    def get_session(self, token_hash: str) -> dict | None:
        rows = self._rows("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,))
        return rows[0] if rows else None

    def end_session(self, token_hash: str, *, at: dt.datetime | None = None, reason: str | None = None) -> bool:
        """End an open session and record it in the audit log: as a sign-out, or (``reason``
        given) as a session ended for that reason. False when it was unknown or already ended."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT rowid, username FROM sessions WHERE token_hash = ? AND ended_at IS NULL", (token_hash,)
            ).fetchone()
            if row is None:
                return False
            number, username = row
            conn.execute("UPDATE sessions SET ended_at = ? WHERE rowid = ?",
                         (_now() if at is None else _utc_text(at), number))
            if reason is None:
                self._audit(conn, username, "sign out", "user", username, after={"session": number}, at=at)
            else:
                self._audit(conn, username, "session ended", "user", username,
                            after={"session": number, "reason": reason}, at=at)
            return True

    # -- sign-in throttling and timed sessions (used by tracker.auth, whose clock is injectable)

    #: Forgotten counts deleted per sign-in attempt: at least as many as an attempt can add (one),
    #: and few enough that no attempt waits on a long delete.
    _FORGOTTEN_PER_ATTEMPT = 100

    def begin_login_attempt(
        self,
        name: str,
        *,
        at: dt.datetime,
        wait_after: Callable[[int], dt.timedelta | None],
        forget_after: dt.timedelta,
        key: str | None = None,
        also: Sequence[tuple[str, Callable[[int], dt.timedelta | None]]] = (),
    ) -> dict:
        """Count a sign-in attempt for the typed (normalised) ``name`` before its password is
        checked, in one write transaction.

        Counting first (and resetting on success) means parallel guesses are serialised by the
        write lock, so each one sees the failures before it. Every name typed is counted, an
        account's or not, so the throttle says nothing about which names are accounts.
        ``wait_after(n)`` is how long the name must wait after ``n`` failures in a row (None:
        no wait). A count is forgotten ``forget_after`` after its last counted attempt (never
        before its wait is over); forgotten rows are deleted a batch per attempt, so the table
        holds little more than the names tried within the last ``forget_after``.

        ``key`` replaces ``sign_in_key(name)`` (the name at one address, say); ``also`` counts
        the attempt under more keys at once, each with its own waits (the address, the account
        from anywhere, the whole server): a wait on any of them refuses the attempt.

        Returns ``user`` (the account's row, None when the name is no account), ``failures``
        and ``wait_until`` as counted, and ``refused_until``: set, with nothing counted, when an
        earlier failure already made the name (or, ``refused_by``, another key) wait past ``at``.
        """
        now = _utc_text(at)
        key = key or sign_in_key(name)
        with self._write() as conn:
            conn.execute(
                "DELETE FROM sign_in_attempts WHERE name_key IN (SELECT name_key FROM sign_in_attempts "
                "WHERE forget_at <= ? ORDER BY forget_at LIMIT ?)",
                (now, self._FORGOTTEN_PER_ATTEMPT),
            )
            cursor = conn.execute("SELECT * FROM users WHERE username = ?", (name,))
            row = cursor.fetchone()
            user = None if row is None else dict(zip([d[0] for d in cursor.description], row))
            counted = conn.execute(
                "SELECT failures, wait_until FROM sign_in_attempts WHERE name_key = ? AND forget_at > ?",
                (key, now),
            ).fetchone()
            failures, wait_until = counted or (0, None)
            if wait_until and wait_until > now:
                return {"user": user, "failures": failures, "wait_until": wait_until, "refused_until": wait_until,
                        "refused_by": key}
            others = []
            for other, _ in also:
                row = conn.execute(
                    "SELECT failures, wait_until FROM sign_in_attempts WHERE name_key = ? AND forget_at > ?",
                    (other, now),
                ).fetchone()
                if row and row[1] and row[1] > now:
                    return {"user": user, "failures": failures, "wait_until": row[1], "refused_until": row[1],
                            "refused_by": other}
                others.append(row[0] if row else 0)
            failures += 1
            until = None
            for counted_key, count, waits in [(key, failures, wait_after)] + [
                    (other, n + 1, waits) for (other, waits), n in zip(also, others)]:
                wait = waits(count)
                wait_until = _utc_text(at + wait) if wait else None
                if counted_key == key:
                    until = wait_until
                conn.execute(
                    "INSERT INTO sign_in_attempts (name_key, failures, wait_until, forget_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name_key) DO UPDATE SET failures = excluded.failures, "
                    "wait_until = excluded.wait_until, forget_at = excluded.forget_at",
                    (counted_key, count, wait_until, max(_utc_text(at + forget_after), wait_until or "")),
                )
            return {"user": user, "failures": failures, "wait_until": until, "refused_until": None,
                    "refused_by": None}

    def record_sign_in_refused(
        self,
        username: str,
        events: Iterable[tuple[str, dict]],
        *,
        at: dt.datetime,
        forget_failures: bool = False,
    ) -> None:
        """Record a refused sign-in of the account ``username``: each ``(action, values)`` in
        ``events`` as an audit entry, and with ``forget_failures`` its count reset (the password
        was right, the account is disabled), in one transaction.

        For an account only: a typed name that is no account is never written to the audit log.
        """
        with self._write() as conn:
            if forget_failures:
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (sign_in_key(username),))
                if forget_failures is not True:
                    for key in forget_failures:
                        conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))
            for action, values in events:
                self._audit(conn, username, action, "user", username, after=values, at=at)

    def start_session(self, token_hash: str, username: str, *, at: dt.datetime, method: str = "password",
                      forget: Sequence[str] = (), uncount: Sequence[str] = ()) -> int:
        """Open a session signed in by ``method`` at ``at`` and record the sign-in, in one
        transaction; a password sign-in also resets the account's failure count (and the counts
        keyed ``forget``; those keyed ``uncount`` lose the attempt that succeeded). Returns the
        session's number (what the audit log calls it; the token is never written)."""
        with self._write() as conn:
            if method == "password":
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (sign_in_key(username),))
                for key in forget:
                    conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))
                for key in uncount:
                    conn.execute("UPDATE sign_in_attempts SET failures = max(failures - 1, 0) WHERE name_key = ?",
                                 (key,))
            cursor = conn.execute(
                "INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES (?,?,?,?)",
                (token_hash, username, at.isoformat(), at.isoformat()),
            )
            number = cursor.lastrowid
            self._audit(conn, username, "sign in", "user", username,
                        after={"method": method, "session": number}, at=at)
            return number

    def mark_session_seen(self, token_hash: str, *, at: dt.datetime) -> None:
        """Record activity on an open session (what the inactivity timeout counts from)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                (at.isoformat(), token_hash),
            )

    # -- browser-bound sessions (issue 11: staff sessions that cannot be taken over) ---------

    def await_browser(self, token_hash: str, browser_hash: str, *, until: dt.datetime) -> None:
        """Let the browser whose cookie hashes to ``browser_hash`` claim the open session
        ``token_hash`` until ``until`` (see ``claim_session``)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET bind_browser = ?, bind_until = ? WHERE token_hash = ? AND ended_at IS NULL",
                (browser_hash, _utc_text(until), token_hash),
            )

    def claim_session(self, browser_hash: str, new_token_hash: str, *, at: dt.datetime) -> str | None:
        """Give the newest open session waiting for ``browser_hash`` (and not past its
        ``bind_until``) the token ``new_token_hash``, once: the old token no longer opens it.
        Returns the session's username, or None when no session waits for that browser."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT rowid, username FROM sessions WHERE bind_browser = ? AND bind_until > ? "
                "AND ended_at IS NULL ORDER BY rowid DESC LIMIT 1",
                (browser_hash, _utc_text(at)),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE sessions SET token_hash = ?, bind_browser = NULL, bind_until = NULL, last_seen_at = ? "
                "WHERE rowid = ?",
                (new_token_hash, _utc_text(at), row[0]),
            )
            return row[1]

    def end_user_sessions(self, username: str, *, reason: str, at: dt.datetime | None = None,
                          keep_token_hash: str | None = None) -> int:
        """End every open session of ``username`` (but ``keep_token_hash``'s), each recorded in
        the audit log with ``reason``. Returns how many ended."""
        with self._write() as conn:
            return self._end_user_sessions(conn, username, reason=reason, at=at, keep=keep_token_hash)

    def _end_user_sessions(self, conn, username: str, *, reason: str, at: dt.datetime | None = None,
                           keep: str | None = None) -> int:
        rows = conn.execute(
            "SELECT rowid FROM sessions WHERE username = ? AND ended_at IS NULL AND token_hash IS NOT ? "
            "ORDER BY rowid", (username, keep),
        ).fetchall()
        when = _now() if at is None else _utc_text(at)
        for (number,) in rows:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE rowid = ?", (when, number))
            self._audit(conn, username, "session ended", "user", username,
                        after={"session": number, "reason": reason}, at=at)
        return len(rows)

    def set_second_factor(self, username: str, secret: str | None, recovery_hashes: list[str], *, by: str) -> None:
        """Turn an account's second factor on (``secret``) or off (None), in the audit log."""
        by = _recorder(by)
        with self._write() as conn:
            conn.execute(
                "UPDATE users SET totp_secret = ?, totp_last_step = NULL, recovery_hashes = ?, "
                "version = version + 1 WHERE username = ?",
                (secret, json.dumps(recovery_hashes) if secret else None, username),
            )
            self._audit(conn, by, "update", "user", username,
                        after={"second factor": "on" if secret else "off"})

    def use_totp_step(self, username: str, step: int) -> bool:
        """Record that the code of time step ``step`` was used; False if it or a later one was."""
        with self._write() as conn:
            return conn.execute(
                "UPDATE users SET totp_last_step = ? WHERE username = ? "
                "AND (totp_last_step IS NULL OR totp_last_step < ?)", (step, username, step),
            ).rowcount == 1

    def use_recovery_code(self, username: str, code_hash: str) -> bool:
        """Strike an unused recovery code off; False if the account has no such code."""
        with self._write() as conn:
            row = conn.execute("SELECT recovery_hashes FROM users WHERE username = ?", (username,)).fetchone()
            left = json.loads(row[0]) if row and row[0] else []
            if code_hash not in left:
                return False
            left.remove(code_hash)
            conn.execute("UPDATE users SET recovery_hashes = ? WHERE username = ?", (json.dumps(left), username))
            self._audit(conn, username, "update", "user", username,
                        after={"recovery codes left": len(left)})
            return True

    def second_factor_given(self, token_hash: str, pending: str, *, forget: Sequence[str] = ()) -> None:
        """Open the session ``token_hash`` that waited (``pending``) for its second factor, and
        forget the failure counts keyed ``forget``."""
        with self._write() as conn:
            conn.execute("UPDATE sessions SET bind_browser = NULL, bind_until = NULL "
                         "WHERE token_hash = ? AND bind_browser = ?", (token_hash, pending))
            for key in forget:
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))

    def staff_roles(self) -> dict[str, str]:
        """Every account's role by username: what public pages say instead of a username."""
        return {r["username"]: r["role"] for r in self._rows("SELECT username, role FROM users")}

    def session_is_open(self, token_hash: str) -> bool:
        """Whether ``token_hash`` names an open, claimed session (a cheap check, without the
        timeouts ``tracker.auth.check_session`` applies)."""
        return bool(self._rows(
            "SELECT 1 FROM sessions WHERE token_hash = ? AND ended_at IS NULL AND bind_browser IS NULL",
            (token_hash,),
        ))
