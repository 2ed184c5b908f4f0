"""The text people write in a summary: plain paragraphs and dash lists, never markup.

A section's text is kept as typed: one paragraph per line, a line that starts with "-", "+" or "•"
is an item of a list (the dash of administrative documents). Nothing is read as HTML: pages escape
it, the Word document writes it as runs of text. The same :func:`blocks` feeds the page's preview
and the .docx, so both say the same.

The pre-filled text of each section (:func:`prefill`) is written from the summary's snapshot: the
counts, the agencies that reported late or not at all, and the difficulties and proposals quoted
from the accepted reports with the agency that wrote them.
"""

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from tasks.choices import TaskStatus

from ..choices import SummarySectionKey
from ..periods import parse_period_code

MAX_CHARS = 50_000  # a section; a whole báo cáo is rarely a tenth of it
_ITEM = re.compile(r"^\s*[-+•–]\s*")
# Control characters other than the line break and the tab; they break Word documents and mean nothing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE = re.compile(r".+")  # a line that is not empty


class Block(NamedTuple):
    kind: str  # "p" a paragraph, "li" an item of a dash list
    text: str


def clean(text: str) -> str:
    """The text as stored: NFC, line breaks unified, control characters and trailing spaces gone."""
    return "\n".join(line.rstrip() for line in _plain(text).split("\n")).strip("\n")


def _plain(text: str) -> str:
    """NFC, line breaks unified, control characters gone (the same text, not a copy, when it has none)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def blocks(text: str) -> list[Block]:
    """The paragraphs and list items of a section's text, in order; empty lines separate nothing."""
    return list(iter_blocks(text))


def iter_blocks(text: str) -> Iterator[Block]:
    """:func:`blocks` one at a time, for a text of tens of thousands of lines (a summary's results): the lines of
    the :func:`clean` text, read from the text itself (each is stripped, so the trailing spaces it drops do not count)."""
    for match in _LINE.finditer(_plain(text)):
        line = match.group()
        if not line.strip():
            continue
        if item := _ITEM.match(line):
            yield Block("li", line[item.end() :].strip())
        else:
            yield Block("p", line.strip())


def grouped(items: list[Block]) -> list[tuple[str, str | list[str]]]:
    """Blocks for a page: a paragraph alone, consecutive list items together (``("ul", [texts])``)."""
    result: list[tuple[str, str | list[str]]] = []
    for block in items:
        if block.kind == "li":
            if result and result[-1][0] == "ul":
                result[-1][1].append(block.text)  # type: ignore[union-attr]
            else:
                result.append(("ul", [block.text]))
        else:
            result.append((block.kind, block.text))
    return result


def _count(figures: dict) -> str:
    return (
        f"tổng số {figures['tasks']} nhiệm vụ: {figures[TaskStatus.DONE_ON_TIME]} nhiệm vụ đã hoàn thành đúng hạn, "
        f"{figures[TaskStatus.DONE_LATE]} nhiệm vụ hoàn thành quá hạn, {figures[TaskStatus.IN_PROGRESS]} nhiệm vụ đang thực hiện "
        f"trong hạn, {figures[TaskStatus.OVERDUE]} nhiệm vụ chưa hoàn thành, quá hạn và {figures[TaskStatus.ONGOING]} nhiệm vụ "
        f"thường xuyên; tiến độ bình quân {figures['progress'] if figures['progress'] is not None else 0}%"
    )


def _quoted(item: dict) -> str:
    return f"- {item['agency']} (nhiệm vụ {item['task']}): {' '.join(item['text'].split())}"


def _by_agency(items: list[dict]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for item in items:
        grouped.setdefault(item["agency"], []).append(item["task"])
    return grouped


def in_sentence(period: dict) -> str:
    """A snapshot's period as a sentence names it, "quý IV/2018" ("Quý IV/2018".lower() wrote "quý iv/2018")."""
    return parse_period_code(period["code"]).label_in_sentence


def prefill(data: dict) -> dict[str, str]:
    """Each section's text as the data says it, before anyone writes (the snapshot of a compilation)."""
    if not data:
        return dict.fromkeys(SummarySectionKey.values, "")
    reports = data["reports"]
    situation = [
        f"Kế hoạch có {_count(data['totals'])}.",
        f"Kỳ báo cáo {in_sentence(data['reporting_period'])}: {reports['accepted']} báo cáo đã được tiếp nhận; "
        f"{reports['missing']} báo cáo chưa gửi; {reports['late']} báo cáo gửi trễ hạn.",
    ]
    for agency, tasks in _by_agency(data["missing"]).items():
        situation.append(f"- {agency}: chưa báo cáo {len(tasks)} nhiệm vụ ({', '.join(tasks)}).")
    for agency, tasks in _by_agency(data["late"]).items():
        situation.append(f"- {agency}: gửi trễ hạn báo cáo {len(tasks)} nhiệm vụ ({', '.join(tasks)}).")

    results = []
    for index, section in enumerate(data["sections"], start=1):
        title = section["title"] or "Nhiệm vụ chưa xếp nhóm"
        results.append(f"{index}. {title}: nhóm có {_count(section)}.")
        results += [_quoted(item) for item in section["results"]]

    shortcomings = []
    if data["overdue"]:
        extended = sum(1 for item in data["overdue"] if item.get("extended"))
        among = f", trong đó {extended} nhiệm vụ đã gia hạn" if extended else ""
        shortcomings.append(f"Còn {len(data['overdue'])} nhiệm vụ chưa hoàn thành, quá hạn{among} (chi tiết tại Phụ lục kèm theo).")
    if reports["missing"] or reports["late"]:
        shortcomings.append(
            f"Việc chấp hành chế độ báo cáo chưa nghiêm: {reports['missing']} báo cáo chưa gửi, {reports['late']} báo cáo gửi trễ hạn."
        )
    shortcomings += [_quoted(item) for item in data["difficulties"]] or ["Các cơ quan, đơn vị không báo cáo khó khăn, vướng mắc."]

    next_tasks = ["Các cơ quan, đơn vị tiếp tục triển khai các nhiệm vụ được giao theo Kế hoạch, trong đó tập trung:"]
    if data["overdue"]:
        for item in data["overdue"]:
            # an agency that had ceased by the cut-off is not urged: its part is to be given to an agency of today
            # (snapshots compiled before "lead_ceased" was kept read as they always did)
            ceased = item.get("lead_ceased", [])
            title = " ".join(item["title"].split())
            if ceased:
                next_tasks.append(
                    f"- Giao lại phần việc chủ trì của {'; '.join(ceased)} (đã thôi hoạt động) cho cơ quan hiện có để khẩn trương "
                    f"hoàn thành nhiệm vụ {item['number']}. {title}"
                )
            active = [name for name in item["lead"] if name not in ceased]
            if active or not ceased:
                lead = "; ".join(active) or "cơ quan chủ trì"
                next_tasks.append(f"- {lead}: khẩn trương hoàn thành nhiệm vụ {item['number']}. {title}")
    if data["missing"]:
        next_tasks.append(f"- Các cơ quan, đơn vị chưa báo cáo gửi báo cáo kỳ {in_sentence(data['reporting_period'])} về cơ quan đầu mối.")
    if len(next_tasks) == 1:
        next_tasks.append("- Duy trì tiến độ các nhiệm vụ đang thực hiện và báo cáo đúng hạn.")

    proposals = [_quoted(item) for item in data["proposals"]] or ["Các cơ quan, đơn vị không có đề xuất, kiến nghị."]
    return {
        SummarySectionKey.SITUATION: "\n".join(situation),
        SummarySectionKey.RESULTS: "\n".join(results),
        SummarySectionKey.SHORTCOMINGS: "\n".join(shortcomings),
        SummarySectionKey.NEXT_TASKS: "\n".join(next_tasks),
        SummarySectionKey.PROPOSALS: "\n".join(proposals),
    }
