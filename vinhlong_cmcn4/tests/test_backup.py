"""manage.py backup / restore: a round trip that loses nothing, and clear refusals of bad archives."""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from plans.models import User
from reports.models import Attachment, Report
from tasks.models import ImportJob
from vinhlong_cmcn4.backup import table_counts
from vinhlong_cmcn4.demo import demo_seed

PDF = b"%PDF-1.7\n%%EOF\n"


def checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(root.rglob("*")) if path.is_file()
    }


def _postgres(database: str):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=database, user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )


@pytest.fixture
def fresh_database():
    """An empty PostgreSQL database next to the test database (test_<name>_restore), dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = _postgres("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _restore_elsewhere(archive: Path, database: str, media: Path, *extra: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "vinhlong_cmcn4.settings",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _evidence_and_import_files() -> None:
    """The demo has summaries; add evidence and an import file so every kind of stored file is in the backup."""
    report, user = Report.objects.first(), User.objects.get(username="chuyenvien.stttt")
    Attachment.objects.create(
        report=report,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="Minh chứng.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=user,
    )
    job = ImportJob(plan=report.task.plan, uploaded_by=user, original_name="phu-luc.xlsx")
    job.file.save("phu-luc.xlsx", SimpleUploadedFile("phu-luc.xlsx", b"PK\x03\x04 annex"), save=True)


CONTENT_CHECKED = ["reports_report", "reports_reportevent", "reports_summary", "plans_user", "tasks_task"]


def _table_digest(cursor, table: str) -> str:
    cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t")  # noqa: S608 - fixed names
    return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_restored_into_a_fresh_database_and_storage_matches_table_by_table_and_file_by_file(tmp_path, fresh_database):
    demo_seed()
    _evidence_and_import_files()
    archive = tmp_path / "backup.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"

    result = _restore_elsewhere(archive, fresh_database, restored_media)

    assert result.returncode == 0, result.stderr
    source_counts = table_counts()
    with _postgres(fresh_database) as restored, restored.cursor() as cursor, connection.cursor() as source:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        restored_counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            restored_counts[table] = cursor.fetchone()[0]
        assert restored_counts == source_counts and source_counts["reports_report"] > 100
        for table in CONTENT_CHECKED:  # every value, timestamps to the microsecond (dumpdata cut them to milliseconds)
            assert _table_digest(cursor, table) == _table_digest(source, table), table
    files = checksums(Path(settings.MEDIA_ROOT))
    assert checksums(restored_media) == files
    assert {name.split("/")[0] for name in files} == {"attachments", "summaries", "imports"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_postgresql_database_that_is_not_empty(tmp_path, fresh_database):
    archive = tmp_path / "backup.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    with _postgres(fresh_database) as target, target.cursor() as cursor:
        cursor.execute("CREATE TABLE du_lieu_cu (id int)")

    result = _restore_elsewhere(archive, fresh_database, tmp_path / "media")

    assert result.returncode != 0 and "Cơ sở dữ liệu đích đã có 1 bảng (ví dụ du_lieu_cu)" in result.stderr


@pytest.fixture
def archive(db, tmp_path, officer_a):
    """A backup of a small database with one stored file (on SQLite or PostgreSQL, whichever runs)."""
    default_storage.save("attachments/1/minh-chung", SimpleUploadedFile("x", PDF))
    path = tmp_path / "backup.tar"
    call_command("backup", output=path, stdout=io.StringIO())
    return path


def _rewrite(source: Path, target: Path, change) -> Path:
    """Copy an archive member by member, letting ``change(name, data)`` alter or drop (None) each."""
    with tarfile.open(source) as old, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
    return target


def test_the_archive_lists_every_table_with_its_rows_and_every_file_with_its_checksum(archive):
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert {"plans_user", "reports_report", "core_outboxmessage"} <= manifest["tables"].keys()
    assert manifest["engine"] == connection.vendor
    [entry] = manifest["files"]
    assert entry == {
        "name": "attachments/1/minh-chung",
        "member": "files/attachments/1/minh-chung",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "bytes": len(PDF),
    }
    out = io.StringIO()
    call_command("restore", archive, check_only=True, stdout=out)
    made = timezone.localtime(datetime.datetime.fromisoformat(manifest["created_at"]))
    assert f"lúc {made:%H:%M} ngày {made:%d/%m/%Y}" in out.getvalue()  # not "2026-12-06T02:30:11.123456+00:00"


def test_restore_refuses_an_archive_whose_file_no_longer_matches_its_checksum(archive, tmp_path):
    damaged = _rewrite(archive, tmp_path / "damaged.tar", lambda name, data: b"%PDF-1.7 forged\n" if name.startswith("files/") else data)

    with pytest.raises(CommandError, match="Mã kiểm tra không khớp: files/attachments/1/minh-chung"):
        call_command("restore", damaged, stdout=io.StringIO())
    assert default_storage.open("attachments/1/minh-chung").read() == PDF  # nothing was touched


def test_restore_refuses_a_file_that_is_not_a_backup_or_was_cut_short(archive, tmp_path):
    not_tar = tmp_path / "anh.jpg"
    not_tar.write_bytes(b"\xff\xd8\xff" + b"0" * 2000)
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", not_tar, stdout=io.StringIO())
    without_manifest = _rewrite(archive, tmp_path / "no-manifest.tar", lambda name, data: None if name == "manifest.json" else data)
    with pytest.raises(CommandError, match="không có manifest.json"):
        call_command("restore", without_manifest, stdout=io.StringIO())
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("restore", tmp_path / "khong-co.tar", stdout=io.StringIO())


def test_restore_refuses_to_write_over_a_database_that_holds_data(archive):
    with pytest.raises(CommandError, match="Cơ sở dữ liệu đích đã có"):
        call_command("restore", archive, stdout=io.StringIO())


def _manifest_changed(archive: Path, target: Path, *, resign: bool) -> Path:
    """The archive with one table's row count changed in its manifest (still valid JSON); its checksum redone if ``resign``."""
    from vinhlong_cmcn4.backup import manifest_digest

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["plans_user"] += 1
        if resign:
            manifest["sha256"] = manifest_digest(manifest)
        return json.dumps(manifest, ensure_ascii=False).encode()

    return _rewrite(archive, target, change)


def test_a_manifest_whose_row_count_was_changed_is_refused_by_the_check_before_anything_is_written(archive, tmp_path):
    changed = _manifest_changed(archive, tmp_path / "changed.tar", resign=False)
    with pytest.raises(CommandError, match="manifest.*đã bị sửa"):
        call_command("restore", changed, check_only=True, stdout=io.StringIO())
    with pytest.raises(CommandError, match="đã bị sửa"):
        call_command("restore", changed, force=True, stdout=io.StringIO())
    assert default_storage.open("attachments/1/minh-chung").read() == PDF


def test_a_manifest_rewritten_with_a_new_checksum_is_refused_by_the_rows_counted_in_the_dump(archive, tmp_path):
    changed = _manifest_changed(archive, tmp_path / "resigned.tar", resign=True)
    with pytest.raises(CommandError, match=r"Bảng plans_user có \d+ dòng trong bản kết xuất .* nhưng \d+ dòng trong manifest"):
        call_command("restore", changed, check_only=True, stdout=io.StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refused_restore_writes_nothing_so_the_good_archive_restores_afterwards(tmp_path, fresh_database, officer_a):
    default_storage.save("attachments/1/minh-chung", SimpleUploadedFile("x", PDF))
    archive = tmp_path / "backup.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    media = tmp_path / "restored-media"
    for resign in (False, True):
        changed = _manifest_changed(archive, tmp_path / f"changed-{resign}.tar", resign=resign)
        refused = _restore_elsewhere(changed, fresh_database, media)
        assert refused.returncode != 0
        with _postgres(fresh_database) as target, target.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            assert cursor.fetchone()[0] == 0  # not one table written
        assert not checksums(media) if media.exists() else True

    result = _restore_elsewhere(archive, fresh_database, media)

    assert result.returncode == 0, result.stderr
    assert checksums(media) == {"attachments/1/minh-chung": hashlib.sha256(PDF).hexdigest()}
