"""The schema version a store keeps in its metadata, and migrating an older store to this release's.

Both backends (:class:`~walktool.store.gpkg.GeoPackageStore`,
:class:`~walktool.store.postgis.PostGISStore`) keep ``schema_version`` in their
metadata table and migrate an older store when it is opened; only the migration
steps and how the store is named in messages differ.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from walktool.errors import StoreError
from walktool.i18n import N_, Phrase
from walktool.store.schema import SCHEMA_VERSION


class VersionedStore(ABC):
    """Mixin of the stores: ``schema_version`` from the metadata, ``_migrate`` to :data:`SCHEMA_VERSION`."""

    #: what the store is called in messages ("store", "archive")
    _kind = "store"

    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A project metadata value, or None."""

    @abstractmethod
    def _store_name(self) -> str:
        """The store's name in messages: its file, or its masked location."""

    @abstractmethod
    def _migrate_from(self, version: int) -> None:
        """Run this backend's migration steps from ``version`` to :data:`SCHEMA_VERSION`."""

    @property
    def schema_version(self) -> int:
        """The schema version of this store (0 when none is recorded)."""
        return int(self.get_meta("schema_version") or 0)

    def _migrate(self) -> None:
        """Bring an older store to this release's schema; refuse one newer than this walktool."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            if self._kind == "archive":
                template = N_("{location}: this archive has schema version {version}, newer than this walktool understands ({SCHEMA_VERSION}); upgrade walktool")
                msg = Phrase(template, location=self._store_name(), version=version, SCHEMA_VERSION=SCHEMA_VERSION)
            else:
                template = N_("{path}: this store has schema version {version}, newer than this walktool understands ({SCHEMA_VERSION}); upgrade walktool")
                msg = Phrase(template, path=self._store_name(), version=version, SCHEMA_VERSION=SCHEMA_VERSION)
            raise StoreError(msg)
        if version < SCHEMA_VERSION:
            self._migrate_from(version)
