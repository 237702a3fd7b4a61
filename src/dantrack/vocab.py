"""The domain's vocabulary: enumerations and the words accepted for them on input.

Kept free of heavy imports so the command line can build its help without loading the
database layer.
"""

from enum import StrEnum


class PetitionKind(StrEnum):
    complaint = "complaint"
    denunciation = "denunciation"
    recommendation = "recommendation"
    reflection = "reflection"


class Channel(StrEnum):
    in_person = "in_person"
    mail = "mail"
    online = "online"
    phone = "phone"
    forwarded = "forwarded"


class Competence(StrEnum):
    own = "own"
    other = "other"


class Outcome(StrEnum):
    resolved = "resolved"
    withdrawn = "withdrawn"
    guided = "guided"
    forwarded = "forwarded"
    chased = "chased"
    dismissed = "dismissed"


class PetitionField(StrEnum):
    """A petition's field (lĩnh vực), as the inspection sector's forms group them."""

    land = "land"
    policy = "policy"
    administrative = "administrative"
    judicial = "judicial"
    party = "party"
    corruption = "corruption"
    conduct = "conduct"
    other = "other"


class Prior(StrEnum):
    """The state of the matter before the petition: never resolved, resolved once or more
    than once, or settled by a court judgment."""

    none = "none"
    once = "once"
    many = "many"
    judgment = "judgment"


class Verdict(StrEnum):
    upheld = "upheld"
    partly_upheld = "partly_upheld"
    rejected = "rejected"
    founded = "founded"
    partly_founded = "partly_founded"
    unfounded = "unfounded"


class MeetingKind(StrEnum):
    regular = "regular"
    periodic = "periodic"
    unscheduled = "unscheduled"


class Body(StrEnum):
    party = "party"
    government = "government"
    front = "front"
    other = "other"


class Direction(StrEnum):
    """What a visit's matter was given at the reception desk (the reception book's column)."""

    accepted = "accepted"
    guided = "guided"
    forwarded = "forwarded"


class Level(StrEnum):
    province = "province"
    district = "district"
    commune = "commune"
    village = "village"


class Status(StrEnum):
    open = "open"
    closed = "closed"
    overdue = "overdue"
    suspended = "suspended"  # the clock stopped (petition suspend): never overdue meanwhile


VERDICTS_BY_KIND: dict[PetitionKind, frozenset[Verdict]] = {
    PetitionKind.complaint: frozenset({Verdict.upheld, Verdict.partly_upheld, Verdict.rejected}),
    PetitionKind.denunciation: frozenset(
        {Verdict.founded, Verdict.partly_founded, Verdict.unfounded}
    ),
    PetitionKind.recommendation: frozenset(),
    PetitionKind.reflection: frozenset(),
}

# Outcomes that mean the matter lies outside the receiving body's competence.
OUTSIDE_COMPETENCE = frozenset({Outcome.guided, Outcome.forwarded, Outcome.chased})

# The Vietnamese words for each value, as people write them: the first is the word a table or
# form shows, the others are accepted on input too. Input is folded (case and diacritics
# removed, spaces and dashes made one underscore) before lookup, so "Khieu nai" and "KHIẾU-NẠI"
# are "khiếu nại".
WORDS: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    PetitionKind: {
        "complaint": ("khiếu nại",),
        "denunciation": ("tố cáo",),
        "recommendation": ("kiến nghị",),
        "reflection": ("phản ánh",),
    },
    Channel: {
        "in_person": ("trực tiếp",),
        "mail": ("bưu điện", "thư"),
        "online": ("trực tuyến",),
        "phone": ("điện thoại",),
        "forwarded": ("chuyển đến",),
    },
    Competence: {"own": ("thuộc thẩm quyền",), "other": ("không thuộc thẩm quyền",)},
    Outcome: {
        "resolved": ("đã giải quyết", "giải quyết"),
        "withdrawn": ("rút đơn",),
        "guided": ("hướng dẫn",),
        "forwarded": ("chuyển đơn", "chuyển"),
        "chased": ("đôn đốc", "đôn đốc giải quyết"),
        "dismissed": ("không xử lý", "lưu đơn"),
    },
    PetitionField: {
        "land": ("đất đai, nhà ở", "đất đai", "nhà ở"),
        "policy": ("chế độ chính sách", "chính sách"),
        "administrative": ("hành chính",),
        "judicial": ("tư pháp",),
        "party": ("Đảng",),
        "corruption": ("tham nhũng",),
        "conduct": ("công vụ",),
        "other": ("khác",),
    },
    Prior: {
        "none": ("chưa giải quyết",),
        "once": ("đã giải quyết lần đầu", "lần đầu"),
        "many": ("đã giải quyết nhiều lần", "nhiều lần"),
        "judgment": ("có bản án", "bản án"),
    },
    MeetingKind: {
        "regular": ("thường xuyên",), "periodic": ("định kỳ",), "unscheduled": ("đột xuất",),
    },
    # SPEC §1 "Localities": the Vietnamese words for each level. "Thành phố" alone names a
    # province or a district, so only its long forms are taken.
    Level: {
        "province": ("tỉnh", "thành phố trực thuộc trung ương"),
        "district": ("huyện", "quận", "thị xã", "thành phố thuộc tỉnh"),
        "commune": ("xã", "phường", "thị trấn", "đặc khu"),
        "village": ("thôn", "xóm", "bản", "tổ dân phố", "tổ"),
    },
    Body: {
        "party": ("Đảng",),
        "government": ("chính quyền",),
        "front": ("Mặt trận",),
        "other": ("khác",),
    },
    Direction: {
        "accepted": ("tiếp nhận", "thụ lý"),
        "guided": ("hướng dẫn",),
        "forwarded": ("chuyển đơn", "chuyển"),
    },
}

# Verdict words depend on the kind: "đúng" upholds a complaint but founds a denunciation.
VERDICT_WORDS: dict[PetitionKind, dict[str, tuple[str, ...]]] = {
    PetitionKind.complaint: {
        "upheld": ("đúng",),
        "partly_upheld": ("đúng một phần",),
        "rejected": ("sai", "sai toàn bộ"),
    },
    PetitionKind.denunciation: {
        "founded": ("đúng",),
        "partly_founded": ("đúng một phần",),
        "unfounded": ("sai", "sai toàn bộ"),
    },
}


def _folded(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    from dantrack.text import token

    return {token(word): value for value, forms in words.items() for word in forms}


# The words above as input lookup wants them: folded word → value.
ALIASES: dict[type[StrEnum], dict[str, str]] = {
    enum: _folded(words) for enum, words in WORDS.items()
}
VERDICT_ALIASES: dict[PetitionKind, dict[str, str]] = {
    kind: _folded(words) for kind, words in VERDICT_WORDS.items()
}


def accepted_words(enum: type[StrEnum], words: dict[str, tuple[str, ...]] | None = None,
                   values: object = None) -> str:
    """The values an error lists, each with its Vietnamese words: "complaint (khiếu nại), …"."""
    words = WORDS.get(enum, {}) if words is None else words
    chosen = [m.value for m in enum] if values is None else list(values)  # type: ignore[call-overload]
    return ", ".join(f"{value} ({' / '.join(words[value])})" if value in words else value
                     for value in chosen)
