"""Backups of the whole portal: the database and every stored file, in one archive with a manifest.

An archive is an uncompressed tar (the dump and most files are compressed already) holding:

- ``database.dump``: ``pg_dump --format=custom`` of PostgreSQL, taken in the same snapshot as the row counts
  of the manifest (``pg_export_snapshot``), so the counts describe exactly what was dumped; on SQLite
  (development) ``database.sqlite3``, a copy written from the database's SQL text (``iterdump``);
- ``files/<name>``: every file of the default storage (evidence, summaries, import files), read through the
  Django storage API, so the local disk and an S3-compatible object store are backed up the same way;
- ``manifest.json``, written last: format version, engine, each table's row count, each member's size
  and SHA-256, and the SHA-256 of the manifest itself (``sha256``, over its other keys), so a changed
  count or checksum is found even when the JSON still reads.

The database is dumped before the files are read: a file is written before the row that names it is
committed, so every file the dump refers to is already stored (a file removed meanwhile is the only gap).
Restore checks everything before its first write: the manifest's own checksum, every member's checksum,
and every table's row count as counted in the dump itself. Then it writes the files into empty storage
and loads the database in one transaction (``pg_restore --single-transaction``); if the load fails, the
files it wrote are removed again, so a refused restore leaves the target as empty as it found it.
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "vinhlong-cmcn4-backup"
VERSION = 2  # 2: the manifest carries its own checksum (format 1 archives are still read)
VERSIONS_READ = (1, 2)
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Vietnamese) says why and what to do."""


# -- reading and hashing ---------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it (files stream from storage into the archive once)."""

    def __init__(self, source):
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _sha256(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while data := handle.read(CHUNK):
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def storage_names(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in ``storage``, through its listdir (works for the disk and for S3)."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from storage_names(storage, f"{path}/{directory}" if path else directory)


# -- the database ----------------------------------------------------------------------------------------


def _engine() -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(
            _("Backups support PostgreSQL (production) and SQLite (development) only, not %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection.vendor


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    arguments = ["--dbname", db["NAME"], "--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        arguments += ["--username", db["USER"]]
    environment = {**os.environ, "PGPASSWORD": db["PASSWORD"] or "", "PGCONNECT_TIMEOUT": "10"}
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], program: str) -> None:
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (install the PostgreSQL client, e.g. apt-get install postgresql-client).")
            % {"program": program}
        ) from error
    if result.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s") % {"program": program, "error": result.stderr.strip()[-2000:]})


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names come from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_dump(target: Path) -> dict[str, int]:
    """Dump to ``target`` in the snapshot the row counts are read in; return the counts."""
    import psycopg2.extensions

    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            arguments, environment = _pg_environment()
            command = [
                settings.PG_DUMP,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
            ]
            _run(command + arguments, environment, "pg_dump")
    finally:
        raw.close()
    return counts


def _sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    ]
    return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def _sqlite_dump(target: Path) -> dict[str, int]:
    """Copy the database through Django's own connection: its SQL text, so an open transaction never blocks it."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        copy.executescript("\n".join(connection.connection.iterdump()))
        return _sqlite_counts(copy)
    finally:
        copy.close()


def table_counts() -> dict[str, int]:
    """Rows in every table of the configured database (the restore compares them with the manifest)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_counts(cursor)
        return _sqlite_counts(connection.connection)


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


# -- backup ----------------------------------------------------------------------------------------------


def backup_create(*, output: Path, storage: Storage = default_storage) -> dict:
    """Write a backup archive to ``output`` (a .tar file); return its manifest."""
    engine = _engine()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")  # renamed when complete: a half archive never looks whole
    manifest: dict = {"format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(), "engine": engine}
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        manifest["tables"] = _pg_dump(dump) if engine == "postgresql" else _sqlite_dump(dump)
        manifest["migrations"] = _migrations()
        member = "database.dump" if engine == "postgresql" else "database.sqlite3"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            with dump.open("rb") as handle:
                checksum, size = _sha256(handle)
            archive.add(dump, arcname=member)
            manifest["database"] = {"member": member, "sha256": checksum, "bytes": size}
            manifest["files"] = list(_files_add(archive, storage))
            manifest["sha256"] = manifest_digest(manifest)
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    partial.replace(output)
    return manifest


def manifest_digest(manifest: dict) -> str:
    """The SHA-256 of the manifest's content: every key but ``sha256``, in a canonical JSON spelling."""
    content = {key: value for key, value in manifest.items() if key != "sha256"}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _files_add(archive: tarfile.TarFile, storage: Storage) -> Iterator[dict]:
    for name in storage_names(storage):
        try:
            size = storage.size(name)
            source = storage.open(name, "rb")
        except FileNotFoundError:
            continue  # removed since it was listed (a replaced summary): the dump no longer names it either
        with source:
            reader = _Hashing(source)
            info = tarfile.TarInfo(f"files/{name}")
            info.size, info.mtime = size, int(timezone.now().timestamp())
            archive.addfile(info, reader)
        yield {"name": name, "member": info.name, "sha256": reader.sha256.hexdigest(), "bytes": reader.size}


def backups_prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives of ``directory``; return what was deleted."""
    archives = sorted(directory.glob("cmcn4-*.tar"), key=lambda path: path.name, reverse=True)
    for old in archives[keep:]:
        old.unlink()
    return archives[keep:]


def backup_name(now: datetime.datetime | None = None) -> str:
    return f"cmcn4-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M%S}.tar"


# -- restore ---------------------------------------------------------------------------------------------


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(_("%(path)s does not exist or is not a file.") % {"path": path})
    try:
        return tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("%(path)s is not a backup archive or it is damaged (%(error)s).") % {"path": path, "error": error}) from error


def backup_verify(path: Path) -> dict:
    """Check the manifest's checksum, every member's size and SHA-256 and the dump's row counts; return the manifest."""
    with tempfile.TemporaryDirectory() as work:
        return _verified(path, Path(work) / "database")


def _verified(path: Path, dump: Path) -> dict:
    """:func:`backup_verify`, leaving the checked database dump at ``dump`` for the restore to load."""
    with _open(path) as archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except KeyError as error:
            raise BackupError(
                _("%(path)s has no manifest.json: it was not made by manage.py backup, or it was cut short.") % {"path": path}
            ) from error
        except (ValueError, tarfile.TarError, OSError) as error:
            raise BackupError(_("The manifest of %(path)s cannot be read (%(error)s).") % {"path": path, "error": error}) from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(_("%(path)s is not a backup of this portal.") % {"path": path})
        if manifest.get("version") not in VERSIONS_READ:
            raise BackupError(
                _("%(path)s uses backup format %(version)s; this version of the portal reads format %(ours)s.")
                % {"path": path, "version": manifest.get("version"), "ours": VERSION}
            )
        if manifest["version"] >= 2 and manifest.get("sha256") != manifest_digest(manifest):
            raise BackupError(
                _("The manifest of %(path)s was changed after the backup was made (its own checksum does not match): nothing was restored.")
                % {"path": path}
            )
        try:
            entries = [manifest["database"], *manifest["files"]]
            if not all(isinstance(entry, dict) and {"member", "sha256", "bytes"} <= entry.keys() for entry in entries):
                raise TypeError("member, sha256, bytes")
            dict(manifest["tables"])
        except (KeyError, TypeError, ValueError) as error:
            raise BackupError(_("The manifest of %(path)s cannot be read (%(error)s).") % {"path": path, "error": error}) from error
        for entry in entries:
            _member_check(archive, entry)
        with archive.extractfile(manifest["database"]["member"]) as source, dump.open("wb") as target:
            while data := source.read(CHUNK):
                target.write(data)
    _dump_counts_check(dump, manifest)
    return manifest


def _pg_dump_counts(dump: Path) -> dict[str, int]:
    """Rows of every table in a custom-format dump, counted from its data as pg_restore writes it out."""
    command = [settings.PG_RESTORE, "--data-only", "--file", "-", str(dump)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (install the PostgreSQL client, e.g. apt-get install postgresql-client).")
            % {"program": "pg_restore"}
        ) from error
    counts: dict[str, int] = {}
    table = None
    for line in process.stdout:  # COPY text format: one line per row (newlines inside values are escaped)
        if table is not None:
            if line == b"\\.\n":
                table = None
            else:
                counts[table] += 1
        elif line.startswith(b"COPY "):
            table = line.split(b" ", 2)[1].decode().rsplit(".", 1)[-1].strip('"')
            counts[table] = 0
    error = process.stderr.read().decode(errors="replace")
    if process.wait() != 0:
        raise BackupError(_("%(program)s failed: %(error)s") % {"program": "pg_restore", "error": error.strip()[-2000:]})
    return counts


def _dump_counts_check(dump: Path, manifest: dict) -> None:
    """Every table's rows in the dump are the manifest's count (before anything is written)."""
    if manifest["engine"] == "postgresql":
        found = _pg_dump_counts(dump)
    else:
        database = sqlite3.connect(dump)
        try:
            found = _sqlite_counts(database)
        finally:
            database.close()
    for table, count in sorted(dict(manifest["tables"]).items()):
        if found.get(table, 0) != count:
            raise BackupError(
                _(
                    "Table %(table)s has %(found)d rows in the backup's database dump but %(expected)d in its manifest: nothing was restored."
                )
                % {"table": table, "found": found.get(table, 0), "expected": count}
            )


def _member_check(archive: tarfile.TarFile, entry: dict) -> None:
    try:
        handle = archive.extractfile(entry["member"])
        checksum, size = _sha256(handle)
    except KeyError as error:
        raise BackupError(_("%(member)s is listed in the manifest but missing from the archive.") % {"member": entry["member"]}) from error
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            _("%(member)s cannot be read: the archive is damaged (%(error)s).") % {"member": entry["member"], "error": error}
        ) from error
    if checksum != entry["sha256"] or size != entry["bytes"]:
        raise BackupError(
            _("Checksum mismatch for %(member)s: the archive is damaged or was changed (expected %(expected)s, found %(found)s).")
            % {"member": entry["member"], "expected": entry["sha256"][:16], "found": checksum[:16]}
        )


def backup_restore(*, path: Path, force: bool = False, storage: Storage = default_storage) -> dict:
    """Restore ``path`` into the configured (empty) database and storage; return the manifest."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        manifest = _verified(path, dump)
        _restore_checked(path, manifest, dump, force=force, storage=storage)
    return manifest


def _restore_checked(path: Path, manifest: dict, dump: Path, *, force: bool, storage: Storage) -> None:
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            _("The backup holds a %(engine)s database but DATABASE_URL points to %(target)s: restore it into the same kind of database.")
            % {"engine": manifest["engine"], "target": engine}
        )
    tables = [table for table, count in table_counts().items() if table != "sqlite_sequence"]
    if tables and not force:
        raise BackupError(
            _(
                "The target database already has %(count)d tables (e.g. %(table)s): restore into an empty database, or pass --force to replace its contents."
            )
            % {"count": len(tables), "table": tables[0]}
        )
    present = next(storage_names(storage), None)
    if present and not force:
        raise BackupError(
            _("The storage already holds files (e.g. %(name)s): restore into empty storage, or pass --force.") % {"name": present}
        )
    written: list[str] = []
    try:
        with _open(path) as archive:
            for entry in manifest["files"]:
                _file_restore(archive, entry, storage, replace=force)
                written.append(entry["name"])
        _pg_restore(dump, clean=bool(tables)) if engine == "postgresql" else _sqlite_restore(dump)
    except BaseException:
        for name in written:  # the database load is one transaction; the files go with it
            with contextlib.suppress(Exception):
                storage.delete(name)
        raise
    _counts_compare(manifest["tables"])


def _pg_restore(dump: Path, *, clean: bool) -> None:
    connection.close()
    arguments, environment = _pg_environment()
    command = [settings.PG_RESTORE, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, *arguments, str(dump)], environment, "pg_restore")


def _sqlite_restore(dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _counts_compare(expected: dict[str, int]) -> None:
    connection.close()
    found = table_counts()
    for table, count in sorted(expected.items()):
        if found.get(table) != count:
            raise BackupError(
                _("Table %(table)s has %(found)d rows after the restore; the backup recorded %(expected)d.")
                % {"table": table, "found": found.get(table, 0), "expected": count}
            )


def _file_restore(archive: tarfile.TarFile, entry: dict, storage: Storage, *, replace: bool) -> None:
    name = entry["name"]
    if replace and storage.exists(name):
        storage.delete(name)
    with archive.extractfile(entry["member"]) as source:
        upload = File(source, name=name)
        upload.size = entry["bytes"]
        try:
            stored = storage.save(name, upload)
        except Exception as error:
            raise BackupError(
                _("File %(name)s could not be written to the storage (%(error)s).") % {"name": name, "error": error}
            ) from error
    if stored != name:
        raise BackupError(_("File %(name)s was stored as %(stored)s: the storage is not empty.") % {"name": name, "stored": stored})
    with contextlib.closing(storage.open(name, "rb")) as handle:
        checksum, _size = _sha256(handle)
    if checksum != entry["sha256"]:
        raise BackupError(_("File %(name)s differs from the backup after it was written (checksum mismatch).") % {"name": name})
