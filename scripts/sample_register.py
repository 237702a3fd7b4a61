"""The register for the official forms in the sample (SPEC §1 "The register for the official
forms"), for scripts/build_sample.py and scripts/sample_2025.py: each petition's field, prior
state and round, chased closures, the results of resolutions, the body a petition is
forwarded to and its reply, acceptances still pending at the end, and the visits of every
reception meeting (scripts/sample_visits.py).

Each part draws from a random stream of its own, named by its purpose, never from the seeds
of the records the sample had before: those records, and every report figure of the years
before, stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import random

SEED = "dantrack-sample-register"

# A petition's field by its subject: (field, weight) choices. Land leads, as in a mountain
# province's reception work; infrastructure recommendations are "other" (04/XLD has no
# administrative column).
FIELDS = {
    "Khiếu nại quyết định thu hồi đất": [("land", 1)],
    "Khiếu nại mức bồi thường giải phóng mặt bằng": [("land", 1)],
    "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất": [("land", 1)],
    "Khiếu nại quyết định xử phạt vi phạm hành chính": [("administrative", 4), ("judicial", 1)],
    "Khiếu nại việc không được hưởng chế độ hộ nghèo": [("policy", 1)],
    "Khiếu nại quyết định kỷ luật cán bộ": [("conduct", 2), ("administrative", 1)],
    "Tố cáo cán bộ xã nhận tiền khi làm thủ tục đất đai": [("corruption", 3), ("land", 2)],
    "Tố cáo việc lập khống danh sách hỗ trợ": [("corruption", 2), ("policy", 1)],
    "Tố cáo hành vi lấn chiếm đất rừng": [("land", 1)],
    "Tố cáo sai phạm trong đấu thầu công trình giao thông nông thôn": [("corruption", 1)],
    "Tố cáo trưởng thôn thu tiền trái quy định": [("conduct", 3), ("party", 1)],
    "Kiến nghị sửa chữa đường liên thôn": [("other", 3), ("land", 2)],
    "Kiến nghị cấp nước sinh hoạt": [("other", 1)],
    "Kiến nghị hỗ trợ giống cây trồng": [("policy", 1)],
    "Kiến nghị điều chỉnh quy hoạch": [("land", 1)],
    "Kiến nghị giải quyết chế độ chính sách người có công": [("policy", 1)],
    "Kiến nghị xây dựng cầu treo qua suối": [("other", 3), ("land", 1)],
    "Phản ánh ô nhiễm từ cơ sở chế biến gỗ": [("other", 1)],
    "Phản ánh tình trạng khai thác cát trái phép": [("land", 2), ("other", 1)],
    "Phản ánh chậm chi trả tiền hỗ trợ": [("policy", 1)],
    "Phản ánh đường điện mất an toàn": [("other", 1)],
    "Phản ánh thái độ phục vụ của cán bộ một cửa": [("conduct", 1)],
}
# Where a petition outside competence is sent, by its field.
FORWARDED_TO = {
    "land": ["Sở Nông nghiệp và Môi trường", "Văn phòng Đăng ký đất đai tỉnh",
             "UBND tỉnh"],
    "policy": ["Sở Nội vụ", "Bảo hiểm xã hội tỉnh"],
    "judicial": ["Tòa án nhân dân khu vực", "Viện kiểm sát nhân dân tỉnh"],
    "corruption": ["Thanh tra tỉnh", "Công an tỉnh"],
    "conduct": ["Thanh tra tỉnh", "Ủy ban Kiểm tra Tỉnh ủy"],
    "party": ["Ủy ban Kiểm tra Tỉnh ủy"],
}
OTHER_BODIES = ["Sở Xây dựng", "Công ty Điện lực", "UBND tỉnh"]


def stream(purpose: str) -> random.Random:
    """A random stream of its own for one part of the register (a text seed is hashed the
    same way in every process)."""
    return random.Random(f"{SEED}/{purpose}")


class Register:
    """The register's choices for petitions, in the order the builds ask for them."""

    def __init__(self) -> None:
        self.fields = stream("fields")
        self.fates = stream("fates")
        self.results = stream("results")
        self.forwarding = stream("forwarding")

    def intake(self, kind: str, subject: str) -> dict:
        """field, prior and round of a new petition: a complaint is now and then a second
        round (against a first decision: resolved once), a matter already resolved or judged
        comes back."""
        rng = self.fields
        choices, weights = zip(*FIELDS[subject], strict=True)
        field = rng.choices(choices, weights)[0]
        if kind == "complaint" and rng.random() < 0.12:
            return {"field": field, "prior": "once", "round": 2}
        prior = rng.choices(["none", "once", "many", "judgment"], [84, 10, 4, 2])[0]
        return {"field": field, "prior": prior, "round": 1}

    def chased(self, outcome: str | None, at_district: bool) -> str | None:
        """A petition a district office guided on is, half the time, one it urged the
        commune to resolve (đôn đốc): the same figures outside competence."""
        if outcome == "guided" and at_district and self.fates.random() < 0.5:
            return "chased"
        return outcome

    def result(self, kind: str, verdict: str | None, field: str) -> dict:
        """The results of a resolution: something returned when a complaint was right,
        recovered and disciplined when a denunciation was founded; small, as a district's."""
        rng = self.results
        if verdict in ("upheld", "partly_upheld") and rng.random() < 0.3:
            found = returned(rng, field)
            if rng.random() < 0.15:
                found["disciplined"] = found["disciplined_officials"] = 1
            return found
        if verdict in ("founded", "partly_founded"):
            return recovered(rng, field)
        return {}

    def pending(self) -> bool:
        """Whether a petition received in the last days is still to be processed."""
        return self.fates.random() < 0.6

    def close_out(self, plan) -> dict:  # type: ignore[no-untyped-def]
        """What a close records beside its outcome: the body forwarded to, the results."""
        field = plan.extra["register"]["field"]
        if plan.outcome == "forwarded":
            return {"forwarded_to": self.forwarding.choice(FORWARDED_TO.get(field,
                                                                            OTHER_BODIES))}
        if plan.outcome == "resolved":
            return self.result(plan.kind, plan.verdict, field)
        return {}

    def reply_on(self, closed_on: dt.date, last_day: dt.date) -> dt.date | None:
        """Most bodies reply within weeks; the rest have not yet."""
        if self.forwarding.random() < 0.35:
            return None
        reply = closed_on + dt.timedelta(days=self.forwarding.randint(7, 45))
        return reply if reply <= last_day else None


def returned(rng: random.Random, field: str) -> dict:
    if field == "land":
        return {"returned_land": float(rng.randrange(20, 600, 5)), "returned_people": 1}
    return {"returned_money": round(rng.uniform(2, 60), 1), "returned_people": 1}


def recovered(rng: random.Random, field: str) -> dict:
    found: dict = {}
    if rng.random() < 0.4:
        found["recovered_money"] = round(rng.uniform(3, 150), 1)
    if field == "land" and rng.random() < 0.3:
        found["recovered_land"] = float(rng.randrange(50, 1000, 10))
    if rng.random() < 0.5:
        found["disciplined"] = rng.randint(1, 3)
        found["disciplined_officials"] = rng.randint(1, found["disciplined"])
    if rng.random() < 0.04:
        found["prosecuted_cases"], found["prosecuted_people"] = 1, rng.randint(1, 2)
    return found


def record_forwarding(s, register: Register, last_day: dt.date, clock) -> None:  # type: ignore[no-untyped-def]
    """The replies of the bodies petitions were forwarded to, on the day each came back."""
    from sqlmodel import select

    from dantrack.models import Petition
    from dantrack.services import petitions

    forwarded = s.exec(select(Petition.ref, Petition.closed_on)
                       .where(Petition.outcome == "forwarded")
                       .order_by(Petition.closed_on, Petition.id)).all()
    replies = []
    for ref, closed_on in forwarded:
        reply = register.reply_on(closed_on, last_day)
        if reply is not None:
            replies.append((reply, ref))
    for reply, ref in sorted(replies):
        clock.set(reply)
        petitions.edit_petition(s, ref, reply_on=reply)
