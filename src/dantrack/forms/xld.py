"""The processing forms (FORMS.md): 01/XLD for every petition, 02/XLD, 03/XLD and 04/XLD for
complaints, denunciations, and recommendations with reflections.

01/XLD follows FORMS.md's numbering. 02–04/XLD, given there in prose, are numbered here: the
frame 1–7 (total, carried over, received, processed, not processed, eligible petitions and
their cases), then the eligible petitions by field, by the state of the matter, within
competence (02: first and second round) and not within it (guided, forwarded, chased), and
the replies received last.
"""

from __future__ import annotations

from dantrack.forms.declare import Column, Form, columns, figure

TO_PROCESS = ("to_process",)
DONE = "processed eligible"
RECEIPT = ("Tiếp nhận",)
RESULT = ("Kết quả xử lý đơn",)


def _frame() -> list[Column]:
    """Columns 1–7, the same in every processing form."""
    return [
        *columns(RECEIPT, 1, ("total", "Tổng số đơn", figure()),
                 ("carried_over", "Kỳ trước chuyển sang", figure("!received")),
                 ("received", "Tiếp nhận trong kỳ", figure("received"))),
        *columns(("Kết quả phân loại",), 4, ("processed", "Đã xử lý", figure("processed")),
                 ("not_processed", "Chưa xử lý (chuyển kỳ sau)", figure("!processed"))),
        *columns(("Đơn đủ điều kiện xử lý",), 6, ("eligible", "Số đơn", figure(DONE)),
                 ("eligible_cases", "Số vụ việc", figure(DONE, count="cases"))),
    ]


def _of_eligible(groups: tuple[str, ...], start: int,
                 *specs: tuple[str, str, str]) -> list[Column]:
    """Columns counting the eligible processed petitions that meet one more condition."""
    return columns(groups, start, *((key, label, figure(f"{DONE} {extra}"))
                                    for key, label, extra in specs))


OTHER = ("guided", "Hướng dẫn", "outcome:guided"), ("forwarded", "Chuyển đơn",
                                                    "outcome:forwarded"), \
    ("chased", "Đôn đốc giải quyết", "outcome:chased")
NOT_OURS = (*RESULT, "Không thuộc thẩm quyền")
OURS = (*RESULT, "Thuộc thẩm quyền")


def _outside(start: int) -> list[Column]:
    return _of_eligible(NOT_OURS, start, ("other", "Tổng", "outside"), *OTHER)


def _replies(number: int) -> Column:
    return Column(number, "replies", "Số văn bản phúc đáp nhận được",
                  figure("outcome:forwarded reply", framed=False))


XLD01 = Form(
    number="01/XLD", title="Tổng hợp kết quả xử lý đơn", source="petition", frame=TO_PROCESS,
    columns=(
        *_frame(),
        *_of_eligible(("Phân loại theo nội dung",), 8,
                      ("complaints", "Khiếu nại", "kind:complaint"),
                      ("denunciations", "Tố cáo", "kind:denunciation"),
                      ("recommendations", "Kiến nghị, phản ánh",
                       "kind:recommendation|reflection")),
        *_of_eligible(("Phân loại theo tình trạng giải quyết",), 11,
                      ("prior_once", "Đã được giải quyết lần đầu", "prior:once"),
                      ("prior_many", "Đã được giải quyết nhiều lần", "prior:many|judgment"),
                      ("prior_none", "Chưa được giải quyết", "prior:none")),
        *_of_eligible(OURS, 14, ("own", "Tổng", "!outside"),
                      ("own_complaints", "Khiếu nại", "!outside kind:complaint"),
                      ("own_denunciations", "Tố cáo", "!outside kind:denunciation"),
                      ("own_recommendations", "Kiến nghị, phản ánh",
                       "!outside kind:recommendation|reflection")),
        *_outside(18),
        _replies(22),
    ),
    identities=(("total", ("carried_over", "received")),
                ("total", ("processed", "not_processed")),
                ("eligible", ("complaints", "denunciations", "recommendations")),
                ("eligible", ("prior_once", "prior_many", "prior_none")),
                ("eligible", ("own", "other")),
                ("own", ("own_complaints", "own_denunciations", "own_recommendations")),
                ("other", ("guided", "forwarded", "chased"))),
)

FIELDS = ("Phân loại theo lĩnh vực",)
STATE = ("Phân loại theo tình trạng giải quyết",)
ADMINISTRATIVE = (*FIELDS, "Lĩnh vực hành chính")
SHARED = (("total", ("carried_over", "received")), ("total", ("processed", "not_processed")),
          ("eligible", ("own", "other")), ("other", ("guided", "forwarded", "chased")))

XLD02 = Form(
    number="02/XLD", title="Tổng hợp kết quả xử lý đơn khiếu nại", source="petition",
    where=("kind:complaint",), frame=TO_PROCESS,
    columns=(
        *_frame(),
        *_of_eligible(ADMINISTRATIVE, 8,
                      ("administrative_fields", "Tổng", "field:policy|land|administrative"),
                      ("policy", "Chế độ, chính sách", "field:policy"),
                      ("land", "Đất đai, nhà cửa", "field:land"),
                      ("administrative", "Khác", "field:administrative")),
        *_of_eligible(FIELDS, 12, ("judicial", "Lĩnh vực tư pháp", "field:judicial"),
                      ("party", "Về Đảng", "field:party"),
                      ("other_fields", "Lĩnh vực khác", "field:other|corruption|conduct")),
        *_of_eligible(STATE, 15, ("prior_once", "Đã được giải quyết lần đầu", "prior:once"),
                      ("prior_many", "Đã được giải quyết nhiều lần", "prior:many"),
                      ("prior_judgment", "Đã có bản án của Tòa", "prior:judgment"),
                      ("prior_none", "Chưa được giải quyết", "prior:none")),
        *_of_eligible(OURS, 19, ("own", "Tổng", "!outside"),
                      ("own_first", "Lần đầu", "!outside round:1"),
                      ("own_second", "Lần hai", "!outside round:2")),
        *_outside(22),
        _replies(26),
    ),
    identities=(*SHARED,
                ("eligible", ("administrative_fields", "judicial", "party", "other_fields")),
                ("administrative_fields", ("policy", "land", "administrative")),
                ("eligible", ("prior_once", "prior_many", "prior_judgment", "prior_none")),
                ("own", ("own_first", "own_second"))),
)

XLD03 = Form(
    number="03/XLD", title="Tổng hợp kết quả xử lý đơn tố cáo", source="petition",
    where=("kind:denunciation",), frame=TO_PROCESS,
    columns=(
        *_frame(),
        *_of_eligible(ADMINISTRATIVE, 8,
                      ("administrative_fields", "Tổng", "field:policy|land|administrative"),
                      ("policy", "Chế độ, chính sách", "field:policy"),
                      ("land", "Đất đai, nhà cửa", "field:land"),
                      ("administrative", "Khác", "field:administrative")),
        *_of_eligible(FIELDS, 12, ("judicial", "Lĩnh vực tư pháp", "field:judicial"),
                      ("party", "Về Đảng", "field:party"),
                      ("corruption", "Tham nhũng", "field:corruption"),
                      ("conduct", "Chức trách, nhiệm vụ công vụ", "field:conduct"),
                      ("other_fields", "Lĩnh vực khác", "field:other")),
        *_of_eligible(STATE, 17, ("prior_once", "Đã được giải quyết lần đầu", "prior:once"),
                      ("prior_many", "Đã được giải quyết nhiều lần", "prior:many|judgment"),
                      ("prior_none", "Chưa được giải quyết", "prior:none")),
        *_of_eligible(OURS, 20, ("own", "Tổng", "!outside")),
        *_outside(21),
        _replies(25),
    ),
    identities=(*SHARED,
                ("eligible", ("administrative_fields", "judicial", "party", "corruption",
                              "conduct", "other_fields")),
                ("administrative_fields", ("policy", "land", "administrative")),
                ("eligible", ("prior_once", "prior_many", "prior_none"))),
)

XLD04 = Form(
    number="04/XLD", title="Tổng hợp kết quả xử lý đơn kiến nghị, phản ánh",
    source="petition", where=("kind:recommendation|reflection",), frame=TO_PROCESS,
    columns=(
        *_frame(),
        *_of_eligible(FIELDS, 8, ("policy", "Chế độ, chính sách", "field:policy"),
                      ("land", "Đất đai, nhà cửa", "field:land"),
                      ("judicial", "Tư pháp", "field:judicial"),
                      ("other_fields", "Khác",
                       "field:administrative|party|corruption|conduct|other")),
        *_of_eligible(STATE, 12, ("prior_once", "Đã được giải quyết lần đầu", "prior:once"),
                      ("prior_many", "Đã được giải quyết nhiều lần", "prior:many|judgment"),
                      ("prior_none", "Chưa được giải quyết", "prior:none")),
        *_of_eligible(OURS, 15, ("own", "Tổng", "!outside")),
        *_outside(16),
        _replies(20),
    ),
    identities=(*SHARED,
                ("eligible", ("policy", "land", "judicial", "other_fields")),
                ("eligible", ("prior_once", "prior_many", "prior_none"))),
)
