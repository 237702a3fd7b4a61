"""The resolution forms (FORMS.md): 01/KQGQ for complaints and 03/KQGQ for denunciations,
within competence and not dismissed, carried over when not resolved before the period.

Case columns count cases among the petitions in question (columns 1–3): a case resolved in
the period is counted once, by its original petition. 03/KQGQ, given in FORMS.md in prose,
is numbered here: 1–4 as 01/KQGQ, 5 repeat denunciations (the matter resolved before), 6
resolved = 7 first time + 8 repeat + 9 withdrawn (a withdrawn denunciation's resolution is
suspended, so the two are one column), 10–12 founded / unfounded / partly founded, 13–22 the
results, 23–24 on time / late.
"""

from __future__ import annotations

from dantrack.forms.declare import Column, Figure, Form, columns, figure

TO_RESOLVE = ("to_resolve",)
SETTLED = "settled"
BY_DECISION = "settled outcome:resolved"


def case(spec: str) -> Figure:
    """Cases among the petitions in question that meet spec."""
    return figure(spec, count="cases", among="")


def _frame(total_label: str) -> list[Column]:
    return [
        Column(1, "total", total_label, figure()),
        *columns(("Trong đó",), 2, ("carried_over", "Kỳ trước chuyển sang", figure("!received")),
                 ("received", "Tiếp nhận trong kỳ", figure("received"))),
        Column(4, "cases", "Số vụ việc thuộc thẩm quyền", case("")),
    ]


def _results(start: int) -> list[Column]:
    """Recovery, returns, discipline and the investigators: sums over the petitions closed
    as resolved in the period (duplicates hold no results of their own)."""
    def total(key: str, label: str) -> tuple[str, str, Figure]:
        return key, label, figure(BY_DECISION, total=key)

    recovered = ("Kiến nghị thu hồi cho Nhà nước",)
    returned = ("Trả lại cho tổ chức, cá nhân",)
    return [
        *columns(recovered, start, total("recovered_money", "Tiền (triệu đồng)"),
                 total("recovered_land", "Đất (m²)")),
        *columns(returned, start + 2, total("returned_money", "Tiền (triệu đồng)"),
                 total("returned_land", "Đất (m²)"), total("returned_orgs", "Số tổ chức"),
                 total("returned_people", "Số cá nhân")),
        *columns(("Kiến nghị xử lý hành chính",), start + 6,
                 total("disciplined", "Tổng số người"),
                 total("disciplined_officials", "Trong đó cán bộ, công chức")),
        *columns(("Chuyển cơ quan điều tra",), start + 8, total("prosecuted_cases", "Số vụ"),
                 total("prosecuted_people", "Số người")),
    ]


def _deadline(start: int) -> list[Column]:
    return columns(("Chấp hành thời hạn giải quyết",), start,
                   ("on_time", "Đúng hạn", case(f"{SETTLED} on_time")),
                   ("late", "Quá hạn", case(f"{SETTLED} !on_time")))


OWN = ("competence:own", "eligible")
SETTLED_IN = ("Đã giải quyết",)

KQGQ01 = Form(
    number="01/KQGQ", title="Tổng hợp kết quả giải quyết khiếu nại thuộc thẩm quyền",
    source="petition", where=("kind:complaint", *OWN), frame=TO_RESOLVE,
    columns=(
        *_frame("Tổng số đơn khiếu nại thuộc thẩm quyền"),
        *columns(SETTLED_IN, 5, ("resolved", "Tổng số vụ việc", case(SETTLED)),
                 ("by_decision", "Bằng quyết định hành chính", case(BY_DECISION)),
                 ("withdrawn", "Rút đơn thông qua giải thích, thuyết phục",
                  case(f"{SETTLED} outcome:withdrawn"))),
        *columns(("Lần đầu",), 8,
                 ("first_right", "Khiếu nại đúng", case(f"{BY_DECISION} round:1 verdict:upheld")),
                 ("first_wrong", "Khiếu nại sai", case(f"{BY_DECISION} round:1 verdict:rejected")),
                 ("first_partly", "Khiếu nại có đúng, có sai",
                  case(f"{BY_DECISION} round:1 verdict:partly_upheld"))),
        *columns(("Lần hai",), 11,
                 ("second_upheld", "Công nhận quyết định lần đầu",
                  case(f"{BY_DECISION} round:2 verdict:rejected")),
                 ("second_annulled", "Hủy, sửa quyết định lần đầu",
                  case(f"{BY_DECISION} round:2 verdict:upheld|partly_upheld"))),
        *_results(13),
        *_deadline(23),
    ),
    identities=(("total", ("carried_over", "received")), ("resolved", ("by_decision", "withdrawn")),
                ("resolved", ("on_time", "late"))),
)

KQGQ03 = Form(
    number="03/KQGQ", title="Tổng hợp kết quả giải quyết tố cáo thuộc thẩm quyền",
    source="petition", where=("kind:denunciation", *OWN), frame=TO_RESOLVE,
    columns=(
        *_frame("Tổng số đơn tố cáo thuộc thẩm quyền"),
        Column(5, "repeat_cases", "Trong đó tố cáo tiếp", case("!prior:none")),
        *columns(SETTLED_IN, 6, ("resolved", "Tổng số vụ việc", case(SETTLED)),
                 ("resolved_first", "Tố cáo lần đầu", case(f"{BY_DECISION} prior:none")),
                 ("resolved_repeat", "Tố cáo tiếp", case(f"{BY_DECISION} !prior:none")),
                 ("withdrawn", "Rút tố cáo, đình chỉ giải quyết",
                  case(f"{SETTLED} outcome:withdrawn"))),
        *columns(("Kết quả",), 10,
                 ("founded", "Tố cáo đúng", case(f"{BY_DECISION} verdict:founded")),
                 ("unfounded", "Tố cáo sai", case(f"{BY_DECISION} verdict:unfounded")),
                 ("partly_founded", "Tố cáo có đúng, có sai",
                  case(f"{BY_DECISION} verdict:partly_founded"))),
        *_results(13),
        *_deadline(23),
    ),
    identities=(("total", ("carried_over", "received")),
                ("resolved", ("resolved_first", "resolved_repeat", "withdrawn")),
                ("resolved", ("on_time", "late"))),
)
