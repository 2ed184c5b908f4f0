"""The judgement rule and the kind checks (indicators.rules), on their edge days."""

import datetime
from decimal import Decimal as D

import pytest

from indicators.choices import Direction, IndicatorKind, Judgement
from indicators.rules import Point, judge, path_value, provinces_in, share_of_way, standing, target_in_force, value_problem

BASE = Point(datetime.date(2020, 12, 31), D(40), 2020)
TARGET = Point(datetime.date(2025, 12, 31), D(90), 2025)  # a 50-point climb over 1826 days


def verdict(values, today, *, kind=IndicatorKind.PERCENTAGE, direction=Direction.HIGHER, baseline=BASE, target=TARGET):
    return judge(kind=kind, direction=direction, baseline=baseline, target=target, values=values, today=today)


def test_the_path_runs_straight_from_the_baseline_to_the_target():
    assert path_value(start=BASE, end=TARGET, day=BASE.day, kind="percentage") == 40
    assert path_value(start=BASE, end=TARGET, day=TARGET.day, kind="percentage") == 90
    middle = BASE.day + (TARGET.day - BASE.day) / 2
    assert path_value(start=BASE, end=TARGET, day=middle, kind="percentage") == 65
    assert path_value(start=BASE, end=TARGET, day=datetime.date(2019, 1, 1), kind="percentage") == 40  # flat before


def test_a_value_exactly_on_the_path_is_on_the_way_and_one_hundredth_below_is_at_risk():
    day = datetime.date(2023, 12, 31)
    expected = path_value(start=BASE, end=TARGET, day=day, kind="percentage")
    on_path = Point(day, expected.quantize(D("0.01")) + D("0.01"), 2023)
    below = Point(day, expected.quantize(D("0.01")) - D("0.01"), 2023)
    assert verdict([on_path], day).judgement == Judgement.ACHIEVED
    assert verdict([below], day).judgement == Judgement.AT_RISK


def test_on_the_targets_day_the_target_itself_is_achieved_and_just_short_is_not():
    assert verdict([Point(TARGET.day, D(90), 2025)], TARGET.day).judgement == Judgement.ACHIEVED
    assert verdict([Point(TARGET.day, D("89.99"), 2025)], TARGET.day).judgement == Judgement.NOT_ACHIEVED


def test_the_day_after_the_target_without_its_value_is_at_risk_not_yet_failed():
    last = Point(datetime.date(2024, 12, 31), D(60), 2024)
    assert verdict([last], TARGET.day).judgement == Judgement.AT_RISK  # judged against the path at 2024: behind
    after = verdict([last], TARGET.day + datetime.timedelta(days=1))
    assert after.judgement == Judgement.AT_RISK
    assert "chưa có số liệu của thời hạn" in str(after.reason)


def test_without_a_value_or_a_target_there_is_nothing_to_judge():
    assert verdict([], datetime.date(2024, 12, 31)).judgement == Judgement.NO_DATA
    assert verdict([Point(TARGET.day, D(95), 2025)], TARGET.day, target=None).judgement == Judgement.NO_DATA


def test_lower_is_better_turns_the_comparison_round():
    base = Point(datetime.date(2020, 12, 31), D(20), 2020)  # e.g. share of late files, %
    goal = Point(datetime.date(2025, 12, 31), D(5), 2025)
    day = datetime.date(2023, 12, 31)
    expected = path_value(start=base, end=goal, day=day, kind="number")
    assert (
        verdict([Point(day, expected - 1, 2023)], day, kind="number", direction=Direction.LOWER, baseline=base, target=goal).judgement
        == Judgement.ACHIEVED
    )
    assert (
        verdict([Point(day, expected + 1, 2023)], day, kind="number", direction=Direction.LOWER, baseline=base, target=goal).judgement
        == Judgement.AT_RISK
    )


def test_provinces_are_63_before_2025_and_34_from_2025():
    assert provinces_in(2024) == 63
    assert provinces_in(2025) == 34
    assert provinces_in(2030) == 34


def test_ranks_of_years_either_side_of_the_merger_are_read_as_standing_among_their_own_provinces():
    assert standing(kind="rank", value=D(1), year=2020) == 1
    assert standing(kind="rank", value=D(63), year=2020) == 0
    assert standing(kind="rank", value=D(34), year=2026) == 0
    # 12th of 63 stands higher than 8th of 34: (63-12)/62 = 0.82 > (34-8)/33 = 0.79
    assert standing(kind="rank", value=D(12), year=2023) > standing(kind="rank", value=D(8), year=2026)
    base = Point(datetime.date(2020, 12, 31), D(30), 2020)
    goal = Point(datetime.date(2030, 12, 31), D(10), 2030)
    # Rank 10/34 in 2030 reached as 9/34: achieved, whatever "lower is better" direction was typed.
    assert (
        verdict([Point(goal.day, D(9), 2030)], goal.day, kind="rank", direction=Direction.HIGHER, baseline=base, target=goal).judgement
        == Judgement.ACHIEVED
    )
    assert share_of_way(baseline=base, target=goal, latest=Point(goal.day, D(10), 2030), kind="rank") == D("100.0")


def test_a_percentage_is_between_0_and_100():
    assert value_problem(kind="percentage", value=D(0), year=2024) is None
    assert value_problem(kind="percentage", value=D(100), year=2024) is None
    assert "từ 0 đến 100" in str(value_problem(kind="percentage", value=D("100.01"), year=2024))
    assert value_problem(kind="percentage", value=D(-1), year=2024) is not None


@pytest.mark.parametrize(
    ("year", "rank", "ok"), [(2024, 63, True), (2024, 64, False), (2025, 34, True), (2025, 35, False), (2026, 40, False), (2024, 0, False)]
)
def test_a_rank_lies_within_the_number_of_provinces_of_its_year(year, rank, ok):
    assert (value_problem(kind="rank", value=D(rank), year=year) is None) is ok


def test_a_rank_is_a_whole_number_and_yes_no_is_one_or_zero():
    assert value_problem(kind="rank", value=D("3.5"), year=2024) is not None
    assert value_problem(kind="yes_no", value=D(1), year=2024) is None
    assert value_problem(kind="yes_no", value=D(2), year=2024) is not None


def test_the_target_in_force_is_the_first_not_yet_due_else_the_last():
    early = Point(datetime.date(2025, 12, 31), D(1), 2025)
    late = Point(datetime.date(2030, 12, 31), D(2), 2030)
    assert target_in_force([late, early], datetime.date(2025, 12, 31)) == early
    assert target_in_force([late, early], datetime.date(2026, 1, 1)) == late
    assert target_in_force([late, early], datetime.date(2031, 1, 1)) == late
    assert target_in_force([], datetime.date(2031, 1, 1)) is None


def test_the_share_of_the_way_may_pass_100_or_fall_below_0():
    assert share_of_way(baseline=BASE, target=TARGET, latest=Point(TARGET.day, D(65), 2025), kind="percentage") == D("50.0")
    assert share_of_way(baseline=BASE, target=TARGET, latest=Point(TARGET.day, D(30), 2025), kind="percentage") == D("-20.0")
    assert share_of_way(baseline=None, target=TARGET, latest=Point(TARGET.day, D(30), 2025), kind="percentage") is None
