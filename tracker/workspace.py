"""The staff workspace: every change staff make, authorised on the server.

Each method takes the caller's session token and, before touching anything, re-reads the
session and its user from the database (``auth.check_session``): an unknown, ended, idle or
disabled session raises SessionEndedError, a role that does not allow the action raises
PermissionDeniedError, and nothing is written in either case. The dashboard hides controls
from viewers too, but that is presentation; this module is the gate. Writes are recorded in
the audit log under the signed-in username by the store.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pandas as pd

from . import auth, exchange
from .auth import Clock, Principal, SignedIn, SignInPolicy, utc_now
from .errors import AuthenticationError, InvalidInputError, PermissionDeniedError
from .models import (
    Actor,
    Assessment,
    Bundle,
    DeadlineRevision,
    Document,
    ItemFields,
    ItemIn,
    Link,
    Role,
    StatusUpdate,
    UserIn,
)
from .extract import Extraction, propose_items
from .source_text import SourceText
from .store import Store, resolve_db_path

#: Audit actions that move an item to a new version (what a version conflict can be about).
VERSIONED_ITEM_ACTIONS = frozenset({"update", "assess", "revise deadline"})


class Workspace:
    """Staff actions on one store. Cheap to build: make one per request or script run."""

    def __init__(self, store: Store, *, policy: SignInPolicy | None = None, clock: Clock = utc_now):
        self.store = store
        self.policy = policy or SignInPolicy.from_env()
        self.clock = clock

    # -- signing in and out ------------------------------------------------

    def sign_in(self, username: str, password: str, *, address: str | None = None,
                code: str | None = None) -> SignedIn:
        return auth.sign_in(self.store, username, password, address=address, code=code, policy=self.policy,
                            clock=self.clock)

    def await_browser(self, token: str, browser_secret: str) -> None:
        """Let only the browser holding ``browser_secret`` claim ``token``'s new session (from
        then on ``token`` itself opens nothing)."""
        self.principal(token)  # a live session, just opened
        auth.await_browser(self.store, token, browser_secret, clock=self.clock)

    def complete_second_factor(self, ticket: str | None, code: str, *, address: str | None = None) -> SignedIn:
        return auth.complete_second_factor(self.store, ticket, code, address=address, policy=self.policy,
                                           clock=self.clock)

    def sign_in_oidc(self, identity: Mapping[str, object]) -> SignedIn:
        return auth.sign_in_oidc(self.store, identity, clock=self.clock)

    def sign_out(self, token: str | None, *, reason: str | None = None) -> None:
        """End the session behind ``token``; with ``reason``, a session ended for that reason."""
        auth.sign_out(self.store, token, clock=self.clock, reason=reason)

    def principal(self, token: str | None) -> Principal:
        """Who holds ``token`` now; raises SessionEndedError (see ``auth.check_session``)."""
        return auth.check_session(self.store, token, policy=self.policy, clock=self.clock)

    def _require(self, token: str | None, role: Role = Role.EDITOR) -> Principal:
        principal = self.principal(token)
        if principal.needs_second_factor:
            raise PermissionDeniedError("admins need a second factor: set one up on Your account first")
        if role == Role.ADMIN and not principal.is_admin:
            raise PermissionDeniedError("only an admin can do that")
        return principal

    # -- the second factor (any signed-in account, for itself; admins for others) ------------

    def enable_second_factor(self, token: str | None, secret: str, code: str) -> list[str]:
        """Turn TOTP on for the signed-in account; returns its recovery codes (shown once)."""
        who = self.principal(token)
        return auth.enable_second_factor(self.store, who.username, secret, code, by=who.username, clock=self.clock)

    def disable_second_factor(self, token: str | None, username: str) -> None:
        """Turn a second factor off: your own (not an admin's where admins need one), or, as an
        admin, anyone's (someone who lost their phone and recovery codes)."""
        who = self.principal(token)
        if username != who.username:
            self._require(token, Role.ADMIN)
        elif who.is_admin and auth.admin_second_factor_required():
            raise InvalidInputError("admins need a second factor: it cannot be turned off")
        auth.disable_second_factor(self.store, username, by=who.username)
        if username != who.username:
            self.store.end_user_sessions(username, reason=f"second factor turned off by {who.username}")

    def recovery_codes_left(self, token: str | None) -> int:
        return auth.recovery_codes_left(self.store, self.principal(token).username)

    # -- status and evidence -------------------------------------------------

    def record_assessment(
        self, token: str | None, item_id: str, assessment: Assessment, *, expected_version: int
    ) -> int:
        """Append a dated status with its evidence; returns the item's new version.

        Raises VersionConflictError when the item changed since ``expected_version``.
        """
        who = self._require(token)
        _require_version(expected_version)
        return self.store.record_assessment(
            item_id, assessment, expected_version=expected_version, by=who.username
        )

    def record_assessments(self, token: str | None, updates: list[StatusUpdate]) -> dict[str, int]:
        """Record many status changes in one transaction (``Store.record_assessments``); returns
        each item's new version. Raises StatusUpdatesRefusedError, with every conflict and
        problem, when any item changed since its ``expected_version`` or any change does not
        fit; nothing is written then."""
        who = self._require(token)
        return self.store.record_assessments(updates, by=who.username)

    def revise_deadline(
        self, token: str | None, item_id: str, revision: DeadlineRevision, *, expected_version: int
    ) -> int:
        """Set or move a deadline (the old one is kept); returns the item's new version."""
        who = self._require(token)
        _require_version(expected_version)
        revision = revision.model_copy(update={"recorded_by": who.username, "recorded_at": None})
        return self.store.revise_deadline(
            item_id, revision, expected_version=expected_version, by=who.username
        )

    def changes_since(
        self, token: str | None, record_id: str, seen_version: int, *, entity: str = "item"
    ) -> list[dict]:
        """The audit entries that moved a record past ``seen_version``, newest first.

        This is what "changed meanwhile" means after a VersionConflictError: every version
        bump of an item, document or actor writes exactly one audit entry, so the newest
        (current - seen) entries are the changes the caller has not seen. ``before`` and
        ``after`` are decoded JSON.
        """
        self._require(token)
        read = {"item": self.store.get_item, "document": self.store.get_document,
                "actor": self.store.get_actor}[entity]
        missed = max(0, read(record_id)["version"] - seen_version)
        if not missed:
            return []
        actions = VERSIONED_ITEM_ACTIONS if entity == "item" else {"update"}
        log = self.store.audit_log(entity_id=record_id, limit=max(50, missed * 4))
        rows = [
            row for row in log.to_dict("records")
            if row["entity"] == entity and row["action"] in actions
        ][:missed]
        for row in rows:
            row["before"] = _decode(row["before"])
            row["after"] = _decode(row["after"])
        return rows

    # -- documents, actors, items and links ----------------------------------

    def add_document(self, token: str | None, document: Document) -> None:
        who = self._require(token)
        self.store.add_document(document, by=who.username)

    def update_document(self, token: str | None, document: Document, *, expected_version: int) -> int:
        who = self._require(token)
        _require_version(expected_version)
        return self.store.update_document(document, expected_version=expected_version, by=who.username)

    def add_actor(self, token: str | None, actor: Actor) -> None:
        who = self._require(token)
        self.store.add_actor(actor, by=who.username)

    def update_actor(self, token: str | None, actor: Actor, *, expected_version: int) -> int:
        who = self._require(token)
        _require_version(expected_version)
        return self.store.update_actor(actor, expected_version=expected_version, by=who.username)

    def add_item(self, token: str | None, item: ItemIn) -> None:
        who = self._require(token)
        self.store.add_item(item, by=who.username)

    def update_item(
        self, token: str | None, item_id: str, fields: ItemFields, *, expected_version: int
    ) -> int:
        """Change what an item says. Its deadline moves only through ``revise_deadline``."""
        who = self._require(token)
        _require_version(expected_version)
        return self.store.update_item(item_id, fields, expected_version=expected_version, by=who.username)

    def add_link(self, token: str | None, link: Link) -> None:
        who = self._require(token)
        self.store.add_link(link, by=who.username)

    def remove_link(self, token: str | None, link: Link) -> None:
        who = self._require(token)
        self.store.remove_link(link, by=who.username)

    # -- a document's own text and the items proposed from it (issue 14) ------

    def set_document_text(
        self, token: str | None, document_id: str, text: SourceText, *, allow_unmatched: bool = False
    ) -> dict:
        """Store a document's text (``Store.set_document_text``: refused when the document's
        items quote what it does not hold, unless ``allow_unmatched``)."""
        who = self._require(token)
        return self.store.set_document_text(document_id, text, by=who.username, allow_unmatched=allow_unmatched)

    def propose_items(self, token: str | None, document_id: str) -> Extraction:
        """Candidate items from a document's stored text (``tracker.extract.propose_items``);
        writes nothing."""
        self._require(token)
        return propose_items(self.store, document_id)

    def import_file(self, token: str | None, data: bytes, filename: str) -> dict[str, int]:
        """Validate and import a JSON or CSV file, all or nothing (as ``tracker import``).

        Raises ImportRejectedError listing every problem, row-numbered for CSV.
        """
        who = self._require(token)
        return exchange.import_file(self.store, data, filename, by=who.username)

    def import_bundle(self, token: str | None, bundle: Bundle) -> dict[str, int]:
        """Write reviewed records (the review queue's accepted items and the actors they name)
        in one transaction, all or nothing (``Store.import_bundle``); returns the counts added.
        Raises ImportRejectedError listing every problem."""
        who = self._require(token)
        return self.store.import_bundle(bundle, by=who.username)

    # -- the audit log (read-only: the store has no way to change it) -------

    def audit_log(self, token: str | None, **filters) -> pd.DataFrame:
        """Audit entries, newest first; ``filters`` as ``Store.audit_log``."""
        self._require(token)
        return self.store.audit_log(**filters)

    # -- users (admins only) -------------------------------------------------

    def users(self, token: str | None):
        self._require(token, Role.ADMIN)
        return self.store.users()

    def add_user(self, token: str | None, user: UserIn, password: str | None) -> None:
        """Add an account; ``password`` None (or empty) for one that signs in through OIDC."""
        who = self._require(token, Role.ADMIN)
        auth.create_user(self.store, user, password or None, by=who.username)

    def disable_user(self, token: str | None, username: str) -> None:
        who = self._require(token, Role.ADMIN)
        if username == who.username:
            raise InvalidInputError("you cannot disable your own account: ask another admin")
        self._keep_an_admin(username)
        auth.disable_user(self.store, username, by=who.username)

    def enable_user(self, token: str | None, username: str) -> None:
        who = self._require(token, Role.ADMIN)
        auth.enable_user(self.store, username, by=who.username)

    def set_role(self, token: str | None, username: str, role: Role) -> None:
        who = self._require(token, Role.ADMIN)
        if Role(role) != Role.ADMIN:
            self._keep_an_admin(username)
        auth.set_role(self.store, username, Role(role), by=who.username)

    def set_password(self, token: str | None, username: str, password: str, *, current: str | None = None) -> None:
        """An admin sets anyone else's password; anyone signed in may set their own, giving the
        ``current`` one (AuthenticationError when it is missing or wrong). Every other session
        of the account ends; the one that changed its own password stays open."""
        who = self._require(token)
        if username != who.username and not who.is_admin:
            raise PermissionDeniedError("only an admin can set another user's password")
        if username == who.username:
            if not current:
                raise AuthenticationError("enter your current password")
            auth.set_password(self.store, username, password, by=who.username, current=current, keep_token=token)
        else:
            auth.set_password(self.store, username, password, by=who.username)

    def _keep_an_admin(self, username: str) -> None:
        """Refuse a change that would leave no active admin to manage users from the browser."""
        active_admins = {u.username for u in self.store.users() if u.role == Role.ADMIN and not u.disabled}
        if active_admins == {username}:
            raise InvalidInputError(f"{username} is the only active admin: make another admin first")


# -- opening one (issue 12: the dashboard opens no Store of its own) ----------------------------


@contextmanager
def open_workspace(path: str | os.PathLike | None = None) -> Iterator[Workspace]:
    """A workspace on its own connection to the database at ``path`` (``resolve_db_path()``
    when None), closed afterwards. It never makes a database: a missing or empty file is
    DatabaseUnavailableError, as for the running dashboard."""
    store = Store(resolve_db_path(path), create=False)
    try:
        yield Workspace(store)
    finally:
        store.close()


def _require_version(expected_version: object) -> None:
    # The store skips the conflict check for None (trusted batch jobs); staff writes never do.
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidInputError("the version you read is missing: reload the page and try again")


def _decode(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
