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

# Vietnamese words accepted for each value, written without diacritics: input is folded
# (case and diacritics removed, spaces and dashes made one underscore) before lookup.
ALIASES: dict[type[StrEnum], dict[str, str]] = {
    PetitionKind: {
        "khieu_nai": "complaint",
        "to_cao": "denunciation",
        "kien_nghi": "recommendation",
        "phan_anh": "reflection",
    },
    Channel: {
        "truc_tiep": "in_person",
        "buu_dien": "mail",
        "thu": "mail",
        "truc_tuyen": "online",
        "dien_thoai": "phone",
        "chuyen_den": "forwarded",
    },
    Competence: {"thuoc_tham_quyen": "own", "khong_thuoc_tham_quyen": "other"},
    Outcome: {
        "da_giai_quyet": "resolved",
        "giai_quyet": "resolved",
        "rut_don": "withdrawn",
        "huong_dan": "guided",
        "chuyen_don": "forwarded",
        "chuyen": "forwarded",
        "don_doc": "chased",
        "don_doc_giai_quyet": "chased",
        "khong_xu_ly": "dismissed",
        "luu_don": "dismissed",
    },
    PetitionField: {
        "dat_dai": "land",
        "nha_o": "land",
        "dat_dai_nha_o": "land",
        "che_do_chinh_sach": "policy",
        "chinh_sach": "policy",
        "hanh_chinh": "administrative",
        "tu_phap": "judicial",
        "dang": "party",
        "tham_nhung": "corruption",
        "cong_vu": "conduct",
        "khac": "other",
    },
    Prior: {
        "chua_giai_quyet": "none",
        "lan_dau": "once",
        "da_giai_quyet_lan_dau": "once",
        "nhieu_lan": "many",
        "da_giai_quyet_nhieu_lan": "many",
        "ban_an": "judgment",
        "co_ban_an": "judgment",
    },
    MeetingKind: {"thuong_xuyen": "regular", "dinh_ky": "periodic", "dot_xuat": "unscheduled"},
    # SPEC §1 "Localities": the Vietnamese words for each level. "Thành phố" alone names a
    # province or a district, so only its long forms are taken.
    Level: {
        "tinh": "province",
        "thanh_pho_truc_thuoc_trung_uong": "province",
        "huyen": "district",
        "quan": "district",
        "thi_xa": "district",
        "thanh_pho_thuoc_tinh": "district",
        "xa": "commune",
        "phuong": "commune",
        "thi_tran": "commune",
        "dac_khu": "commune",
        "thon": "village",
        "xom": "village",
        "ban": "village",
        "to_dan_pho": "village",
        "to": "village",
    },
    Body: {
        "dang": "party",
        "chinh_quyen": "government",
        "mat_tran": "front",
        "khac": "other",
    },
    Direction: {
        "tiep_nhan": "accepted",
        "thu_ly": "accepted",
        "huong_dan": "guided",
        "chuyen_don": "forwarded",
        "chuyen": "forwarded",
    },
}

# Verdict words depend on the kind: "đúng" upholds a complaint but founds a denunciation.
VERDICT_ALIASES: dict[PetitionKind, dict[str, str]] = {
    PetitionKind.complaint: {
        "dung": "upheld",
        "dung_mot_phan": "partly_upheld",
        "sai": "rejected",
        "sai_toan_bo": "rejected",
    },
    PetitionKind.denunciation: {
        "dung": "founded",
        "dung_mot_phan": "partly_founded",
        "sai": "unfounded",
        "sai_toan_bo": "unfounded",
    },
}
