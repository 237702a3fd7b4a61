"""01/TCD (FORMS.md): the visits of the reception meetings held in the period — regular
reception, the head's periodic and unscheduled receptions in person, and those delegated —
each with its group visits (đoàn đông người) apart, and the cases first raised or repeated.
"""

from __future__ import annotations

from dantrack.forms.declare import Column, Form, columns, figure


def _block(prefix: str, where: str, groups: tuple[str, ...], start: int, *,
           sessions: bool) -> list[Column]:
    """A kind of reception: [sessions,] visits, people, first and repeat cases; then the same
    for its group visits."""
    head = [(f"{prefix}_sessions", "Kỳ tiếp", figure(where, count="meetings"))] if sessions \
        else []
    own = columns(groups, start, *head,
                  (f"{prefix}_visits", "Lượt", figure(where, count="visits")),
                  (f"{prefix}_people", "Người", figure(where, count="people")),
                  (f"{prefix}_first", "Vụ việc lần đầu", figure(f"{where} !repeat",
                                                                count="cases")),
                  (f"{prefix}_repeat", "Vụ việc tái diễn", figure(f"{where} repeat",
                                                                  count="cases")))
    crowd = f"{where} group"
    return [*own, *columns((*groups, "Đoàn đông người"), start + len(own),
                           (f"{prefix}_groups", "Số đoàn", figure(crowd, count="visits")),
                           (f"{prefix}_group_people", "Người", figure(crowd, count="people")),
                           (f"{prefix}_group_first", "Vụ việc lần đầu",
                            figure(f"{crowd} !repeat", count="cases")),
                           (f"{prefix}_group_repeat", "Vụ việc tái diễn",
                            figure(f"{crowd} repeat", count="cases")))]


HEAD = "Thủ trưởng tiếp định kỳ và đột xuất"
TCD01 = Form(
    number="01/TCD", title="Tổng hợp kết quả tiếp công dân", source="visit",
    columns=(
        Column(1, "visits", "Tổng số lượt tiếp", figure(count="visits")),
        Column(2, "people", "Tổng số người được tiếp", figure(count="people")),
        Column(3, "cases", "Tổng số vụ việc", figure(count="cases")),
        *_block("regular", "regular", ("Tiếp thường xuyên",), 4, sessions=False),
        *_block("head", "head", (HEAD, "Trực tiếp tiếp"), 12, sessions=True),
        *_block("delegated", "delegated", (HEAD, "Ủy quyền tiếp"), 21, sessions=True),
    ),
    identities=(("visits", ("regular_visits", "head_visits", "delegated_visits")),
                ("people", ("regular_people", "head_people", "delegated_people"))),
)
