"""Evidence: type read from content, size capped, stored under a random name, served as a download to the allowed."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Attachment, Report

from .conftest import report_data

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def post_with_files(client, world, *files):
    return client.post(
        reverse("reports:report_edit", args=[world.task.pk, world.period_code]), {**report_data(), "attachments": list(files)}
    )


def test_a_pdf_is_stored_privately_under_a_random_name_and_served_as_a_download(client, world, officer_a, officer_b, leader):
    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("Báo cáo quý.pdf", PDF, content_type="text/html"))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"  # from the content, not what the browser claimed
    assert "Báo cáo" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    url = reverse("reports:attachment", args=[attachment.report_id, attachment.pk])
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(leader)
    assert client.get(url).status_code == 200
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 401  # a private file: 401 with a way to sign in, never the sign-in form as the file


def test_a_file_whose_content_is_not_an_allowed_type_is_refused_whatever_its_name(client, world, officer_a):
    client.force_login(officer_a)
    response = post_with_files(client, world, SimpleUploadedFile("bao-cao.pdf", b"<html><script>alert(1)</script></html>"))
    assert "không phải PDF, Word, Excel hoặc ảnh" in response.content.decode()
    assert not Attachment.objects.exists() and not Report.objects.exists()  # nothing half-written


def test_files_over_the_attachment_limit_are_refused(client, world, officer_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    client.force_login(officer_a)
    response = post_with_files(client, world, SimpleUploadedFile("lon.pdf", PDF))
    assert "lớn hơn" in response.content.decode()
    assert not Attachment.objects.exists()


def test_uploads_over_the_hard_cap_are_not_even_received(client, world, officer_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(officer_a)
    response = post_with_files(client, world, SimpleUploadedFile("rat-lon.pdf", PDF + b"0" * 5000))
    assert "không được nhận" in response.content.decode()
    assert not Attachment.objects.exists()


def test_images_and_office_files_are_accepted(client, world, officer_a):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue()), SimpleUploadedFile("anh.png", png))
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    ]


def test_the_same_file_uploaded_twice_to_one_report_is_kept_once_with_a_message(client, world, officer_a):
    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("bien-ban.pdf", PDF), SimpleUploadedFile("bien-ban (1).pdf", PDF))
    report = Report.objects.get()
    assert report.attachments.count() == 1
    page = client.post(
        reverse("reports:report_edit", args=[world.task.pk, world.period_code]),
        {**report_data(), "version": report.version, "attachments": [SimpleUploadedFile("ban-sao.pdf", PDF)]},
        follow=True,
    ).content.decode()
    assert report.attachments.count() == 1 and report.attachments.get().original_name == "bien-ban.pdf"
    assert "“ban-sao.pdf” có cùng nội dung với “bien-ban.pdf”" in page


def test_the_service_returns_the_attachment_already_there_for_the_same_content(client, world, officer_a):
    from reports.services import attachment_add

    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("bien-ban.pdf", PDF))
    report = Report.objects.get()
    again = attachment_add(report=report, upload=SimpleUploadedFile("khac-ten.pdf", PDF), by=officer_a)
    assert again == report.attachments.get() and again.sha256 and len(again.sha256) == 64


@pytest.mark.parametrize(
    ("sent", "label"),
    [
        ("x.pdf.exe", "x.pdf"),
        ("bao-cao.hta", "bao-cao.pdf"),
        ("tai-lieu.js", "tai-lieu.pdf"),
        ("C:\\Users\\a\\Báo cáo.PDF.exe", "Báo cáo.pdf"),
        ("../../etc/quy 1.2026.pdf", "quy 1.2026.pdf"),
        (".htaccess", "htaccess.pdf"),
    ],
)
def test_a_pdf_by_content_is_stored_and_served_as_pdf_whatever_its_name(client, world, officer_a, sent, label):
    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile(sent, PDF))
    attachment = Attachment.objects.get()
    assert attachment.original_name == label
    assert attachment.file.name.endswith(".pdf") and "/" not in attachment.file.name.removeprefix("attachments/").split("/", 1)[1]
    response = client.get(reverse("reports:attachment", args=[attachment.report_id, attachment.pk]))
    assert (
        response["Content-Disposition"].endswith(f"filename*=utf-8''{quote(label)}")
        or f'filename="{label}"' in response["Content-Disposition"]
    )


def test_a_report_carries_at_most_the_configured_number_of_files(client, world, officer_a, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    client.force_login(officer_a)
    response = post_with_files(client, world, *(SimpleUploadedFile(f"{n}.pdf", PDF + b"%" + bytes([48 + n])) for n in range(3)))
    assert "tối đa 2 tệp" in response.content.decode()
    assert not Attachment.objects.exists()
    post_with_files(client, world, SimpleUploadedFile("1.pdf", PDF + b"%1"), SimpleUploadedFile("2.pdf", PDF + b"%2"))
    assert Attachment.objects.count() == 2


def test_the_service_refuses_a_file_past_the_cap_in_vietnamese(client, world, officer_a, settings):
    from django.core.exceptions import ValidationError

    from reports.services import attachment_add

    settings.ATTACHMENT_MAX_FILES = 1
    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("a.pdf", PDF))
    report = Report.objects.get()
    with pytest.raises(ValidationError, match="tối đa 1 tệp"):
        attachment_add(report=report, upload=SimpleUploadedFile("b.pdf", PDF + b"%b"), by=officer_a)


def test_a_refused_file_is_named_with_its_extension_under_the_file_field_and_the_good_files_are_kept(client, world, officer_a):
    # Walk: the refused "virus.exe" was named "virus" at the top of the page, and the valid PDF had to be chosen again.
    import re

    client.force_login(officer_a)
    page = post_with_files(
        client, world, SimpleUploadedFile("Biên bản.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a document")
    ).content.decode()
    assert not Report.objects.exists() and not Attachment.objects.exists()  # nothing half-written
    field = page[page.index('for="id_attachments"') :]
    assert "“virus.exe” không phải PDF, Word, Excel hoặc ảnh" in field  # under the field, named as sent
    kept_files = page[page.index('id="kept-files"') : page.index('for="id_attachments"')]
    assert "virus.exe" not in kept_files and "Biên bản.pdf" in kept_files  # the refused file is not among those kept
    top = page[page.index('id="form-errors"') : page.index('id="kept-files"')]
    assert "“virus.exe” không phải PDF" in top  # the list of mistakes atop the page names it as sent, extension included
    kept = re.findall(r'name="held" value="([^"]+)"', page)
    assert len(kept) == 1 and "Biên bản.pdf" in page[page.index('id="kept-files"') :]
    # Sent again without choosing any file: the kept PDF is attached.
    url = reverse("reports:report_edit", args=[world.task.pk, world.period_code])
    client.post(url, {**report_data(), "held": kept})
    assert [a.original_name for a in Attachment.objects.all()] == ["Biên bản.pdf"]


def test_a_kept_file_is_claimed_only_by_the_person_who_chose_it(client, world, officer_a, head_a):
    import re

    client.force_login(officer_a)
    page = post_with_files(client, world, SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.exe", b"MZ")).content.decode()
    kept = re.findall(r'name="held" value="([^"]+)"', page)
    client.force_login(head_a)
    client.post(reverse("reports:report_edit", args=[world.task.pk, world.period_code]), {**report_data(), "held": kept})
    assert not Attachment.objects.exists()


def test_the_files_held_for_one_person_after_form_errors_are_capped_with_a_message_in_vietnamese(client, world, officer_a, settings):
    # Attack pass: every form sent back with an error held its good files for 24 hours, without limit per person:
    # an agency user could post the same refused form in a loop and fill the disk.
    import re

    from django.core.files.storage import default_storage

    from reports.attachments import HELD
    from reports.upkeep import _stored_files

    settings.HELD_UPLOADS_MAX_FILES = 2
    client.force_login(officer_a)
    pages = [
        post_with_files(
            client, world, SimpleUploadedFile(f"bằng chứng {n}.pdf", PDF + bytes([n])), SimpleUploadedFile("x.exe", b"MZ")
        ).content.decode()
        for n in range(3)
    ]
    held = list(_stored_files(default_storage, HELD)) if default_storage.exists(HELD) else []
    assert len(held) == 2
    assert [len(re.findall(r'name="held" value="', page)) for page in pages] == [1, 1, 0]
    assert "“bằng chứng 2.pdf” chưa được giữ lại: bạn đã có 2 tệp đang chờ gửi (tối đa 2)" in pages[2]


def test_a_file_removed_from_a_draft_leaves_the_storage_once_the_removal_is_committed(
    client, world, officer_a, head_a, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from reports.services import attachment_remove, report_transition

    client.force_login(officer_a)
    post_with_files(client, world, SimpleUploadedFile("bien-ban.pdf", PDF), SimpleUploadedFile("anh.pdf", PDF + b"\n"))
    first, second = Attachment.objects.order_by("pk")
    storage, names, first_pk = first.file.storage, (first.file.name, second.file.name), first.pk
    with pytest.raises(RuntimeError), transaction.atomic():  # a removal rolled back keeps its file
        attachment_remove(attachment=first, by=officer_a)
        raise RuntimeError
    assert Attachment.objects.filter(pk=first_pk).exists() and storage.exists(names[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:attachment_delete", args=[second.report_id, first_pk]))
    assert response.status_code == 302 and not Attachment.objects.filter(pk=first_pk).exists() and not storage.exists(names[0])
    report = Report.objects.get()
    report_transition(report=report, action="submit", by=head_a, notify=False)
    refused = client.post(reverse("reports:attachment_delete", args=[report.pk, second.pk]), follow=True)
    assert "Chỉ gỡ tài liệu khi báo cáo là bản nháp, bị trả lại hoặc bị rút." in refused.content.decode()
    assert Attachment.objects.filter(pk=second.pk).exists() and storage.exists(names[1])


def test_a_refused_file_is_told_with_the_forms_other_mistakes_not_after_them(client, world, officer_a):
    # Walk (hwalk8): an officer fixed a progress of 150 and sent again, only then to hear that the .exe was refused.
    client.force_login(officer_a)
    url = reverse("reports:report_edit", args=[world.task.pk, world.period_code])
    page = client.post(
        url, {**report_data(progress="150"), "attachments": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a document")]}
    ).content.decode()
    assert "“virus.exe” không phải PDF, Word, Excel hoặc ảnh" in page
    assert "Tiến độ phải là số nguyên từ 0 đến 100." in page  # the progress and the file, at once
    assert not Report.objects.exists() and not Attachment.objects.exists()
