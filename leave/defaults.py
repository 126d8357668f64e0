"""The leave policies Prima ships with, and the collective-leave days of the joint decrees.

Every value here is only a starting point: HR edits policies, types and holidays in Prima, and
nothing reads this module again once a policy exists. The data is plain Python so that the data
migration (with historical models) and `services.leave_policies_install_defaults` share it.
"""

import datetime as dt
from decimal import Decimal

PRIVATE = "private"
CIVIL_SERVICE = "civil_service"
ANNUAL = "annual"  # the code of cuti tahunan in every policy (rewards uses it too)

WORKING, CALENDAR = "working", "calendar"
YEARLY, MONTHLY = "yearly", "monthly"
FEMALE, MALE = "female", "male"


def _type(code, name, *, legal_basis, **values) -> dict:
    return {
        "code": code,
        "name": name,
        "legal_basis": legal_basis,
        "paid": values.get("paid", True),
        "day_unit": values.get("day_unit", WORKING),
        "tracks_balance": values.get("tracks_balance", False),
        "annual_days": Decimal(values.get("annual_days", 0)),
        "eligible_after_months": values.get("eligible_after_months", 0),
        "accrual": values.get("accrual", YEARLY),
        "carry_over_max_days": Decimal(values.get("carry_over_max_days", 0)),
        "carry_over_valid_months": values.get("carry_over_valid_months", 12),
        "half_day_allowed": values.get("half_day_allowed", False),
        "attachment_after_days": values.get("attachment_after_days"),
        "requires_hr_approval": values.get("requires_hr_approval", False),
        "max_consecutive_days": values.get("max_consecutive_days"),
        "max_occurrences": values.get("max_occurrences"),
        "eligible_sex": values.get("eligible_sex", ""),
        "order": values.get("order", 50),
    }


# Private sector: UU 13/2003 on Manpower as amended by UU 6/2023 (Cipta Kerja) and PP 35/2021.
PRIVATE_TYPES = [
    # Art. 79(3): 12 working days after 12 months of continuous service.
    _type(
        ANNUAL,
        "Cuti tahunan",
        legal_basis="UU 13/2003 ps. 79 ayat (3)",
        tracks_balance=True,
        annual_days=12,
        eligible_after_months=12,
        half_day_allowed=True,
        order=1,
    ),
    # Art. 93(2)a: paid while sick with a doctor's note; the note is asked for beyond 2 days.
    _type("sick", "Cuti sakit", legal_basis="UU 13/2003 ps. 93 ayat (2) huruf a", attachment_after_days=2, order=2),
    # Art. 82(1): 1.5 months before and 1.5 months after giving birth.
    _type(
        "maternity",
        "Cuti melahirkan",
        legal_basis="UU 13/2003 ps. 82 ayat (1)",
        day_unit=CALENDAR,
        max_consecutive_days=90,
        attachment_after_days=0,
        requires_hr_approval=True,
        eligible_sex=FEMALE,
        order=3,
    ),
    # Art. 82(2): 1.5 months after a miscarriage, on a doctor's or midwife's note.
    _type(
        "miscarriage",
        "Cuti keguguran",
        legal_basis="UU 13/2003 ps. 82 ayat (2)",
        day_unit=CALENDAR,
        max_consecutive_days=45,
        attachment_after_days=0,
        requires_hr_approval=True,
        eligible_sex=FEMALE,
        order=4,
    ),
    # Art. 81(1): the first and second day of menstruation.
    _type(
        "menstrual",
        "Cuti haid",
        legal_basis="UU 13/2003 ps. 81 ayat (1)",
        max_consecutive_days=2,
        eligible_sex=FEMALE,
        order=5,
    ),
    # Art. 93(4): paid special leave.
    _type(
        "marriage", "Cuti menikah", legal_basis="UU 13/2003 ps. 93 ayat (4) huruf a", max_consecutive_days=3, order=10
    ),
    _type(
        "child_marriage",
        "Cuti pernikahan anak",
        legal_basis="UU 13/2003 ps. 93 ayat (4) huruf b",
        max_consecutive_days=2,
        order=11,
    ),
    _type(
        "child_circumcision",
        "Cuti khitanan atau pembaptisan anak",
        legal_basis="UU 13/2003 ps. 93 ayat (4) huruf c dan d",
        max_consecutive_days=2,
        order=12,
    ),
    _type(
        "wife_birth",
        "Cuti istri melahirkan atau keguguran",
        legal_basis="UU 13/2003 ps. 93 ayat (4) huruf e",
        max_consecutive_days=2,
        eligible_sex=MALE,
        order=13,
    ),
    _type(
        "bereavement",
        "Cuti duka (suami/istri, orang tua/mertua, anak/menantu)",
        legal_basis="UU 13/2003 ps. 93 ayat (4) huruf f",
        max_consecutive_days=2,
        order=14,
    ),
    _type(
        "bereavement_household",
        "Cuti duka (anggota keluarga serumah)",
        legal_basis="UU 13/2003 ps. 93 ayat (4) huruf g",
        max_consecutive_days=1,
        order=15,
    ),
    _type(
        "unpaid",
        "Cuti di luar tanggungan",
        legal_basis="Perjanjian kerja / peraturan perusahaan",
        paid=False,
        requires_hr_approval=True,
        order=20,
    ),
]

# Civil service: PP 11/2017 on PNS management as amended by PP 17/2020; procedure in
# Peraturan BKN 24/2017.
CIVIL_SERVICE_TYPES = [
    # Art. 310–313: 12 working days after 1 year; up to 6 unused days usable the next year
    # (at most 18 days in the next year, including that year's 12).
    _type(
        ANNUAL,
        "Cuti tahunan",
        legal_basis="PP 11/2017 ps. 310–313",
        tracks_balance=True,
        annual_days=12,
        eligible_after_months=12,
        carry_over_max_days=6,
        carry_over_valid_months=12,
        order=1,
    ),
    # Art. 315: up to 3 months after 5 years of continuous service.
    _type(
        "long",
        "Cuti besar",
        legal_basis="PP 11/2017 ps. 315",
        day_unit=CALENDAR,
        eligible_after_months=60,
        max_consecutive_days=90,
        requires_hr_approval=True,
        order=2,
    ),
    # Art. 319–320: more than one day of sickness needs a doctor's letter.
    _type(
        "sick",
        "Cuti sakit",
        legal_basis="PP 11/2017 ps. 319–320",
        day_unit=CALENDAR,
        attachment_after_days=1,
        order=3,
    ),
    # Art. 325–326: 3 months, for the first to the third child.
    _type(
        "maternity",
        "Cuti melahirkan",
        legal_basis="PP 11/2017 ps. 325–326",
        day_unit=CALENDAR,
        max_consecutive_days=90,
        max_occurrences=3,
        attachment_after_days=0,
        requires_hr_approval=True,
        eligible_sex=FEMALE,
        order=4,
    ),
    # Art. 329: up to 1 month, for a family member's grave illness or death, and similar reasons.
    _type(
        "important_reason",
        "Cuti karena alasan penting",
        legal_basis="PP 11/2017 ps. 329–330",
        day_unit=CALENDAR,
        max_consecutive_days=30,
        attachment_after_days=0,
        order=5,
    ),
    # Art. 333: up to 3 years after 5 years of service, unpaid.
    _type(
        "unpaid",
        "Cuti di luar tanggungan negara",
        legal_basis="PP 11/2017 ps. 333–336",
        paid=False,
        day_unit=CALENDAR,
        eligible_after_months=60,
        max_consecutive_days=1095,
        attachment_after_days=0,
        requires_hr_approval=True,
        order=6,
    ),
]

POLICIES = [
    {
        "code": PRIVATE,
        "name": "Swasta (UU 13/2003)",
        "regime": PRIVATE,
        "work_week": "12345",
        # SKB on cuti bersama: for private employers collective leave is taken from annual leave.
        "collective_leave_reduces_annual": True,
        "is_default": True,
        "types": PRIVATE_TYPES,
    },
    {
        "code": CIVIL_SERVICE,
        "name": "PNS (PP 11/2017)",
        "regime": CIVIL_SERVICE,
        "work_week": "12345",
        # Keppres on cuti bersama ASN: collective leave does not reduce a civil servant's annual leave.
        "collective_leave_reduces_annual": False,
        "is_default": False,
        "types": CIVIL_SERVICE_TYPES,
    },
]

# Cuti bersama, as set by the joint decree (SKB) of the Minister of Religious Affairs, the
# Minister of Manpower and the Minister for State Apparatus (PANRB):
# - 2025: SKB No. 1017/2024, 2/2024, 2/2024, amended to add 18 August 2025;
# - 2026: SKB No. 1497/2025, 2/2025, 5/2025;
# - 2027: the SKB for 2027 (setneg.go.id, "SKB 3 Menteri libur nasional dan cuti bersama 2027").
# They agree with the `holidays` package's government category. Governments amend them during
# the year: HR edits these days in Prima.
COLLECTIVE_LEAVE_DAYS: dict[dt.date, str] = {
    dt.date(2025, 1, 28): "Cuti Bersama Tahun Baru Imlek",
    dt.date(2025, 3, 28): "Cuti Bersama Hari Suci Nyepi",
    dt.date(2025, 4, 2): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2025, 4, 3): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2025, 4, 4): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2025, 4, 7): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2025, 5, 13): "Cuti Bersama Hari Raya Waisak",
    dt.date(2025, 5, 30): "Cuti Bersama Kenaikan Yesus Kristus",
    dt.date(2025, 6, 9): "Cuti Bersama Hari Raya Idul Adha",
    dt.date(2025, 8, 18): "Cuti Bersama Hari Kemerdekaan Republik Indonesia",
    dt.date(2025, 12, 26): "Cuti Bersama Hari Raya Natal",
    dt.date(2026, 2, 16): "Cuti Bersama Tahun Baru Imlek",
    dt.date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    dt.date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2026, 5, 15): "Cuti Bersama Kenaikan Yesus Kristus",
    dt.date(2026, 5, 28): "Cuti Bersama Hari Raya Idul Adha",
    dt.date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
    dt.date(2027, 2, 5): "Cuti Bersama Tahun Baru Imlek",
    dt.date(2027, 3, 9): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2027, 3, 12): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2027, 3, 15): "Cuti Bersama Hari Raya Idul Fitri",
    dt.date(2027, 3, 25): "Cuti Bersama Wafat Yesus Kristus",
    dt.date(2027, 5, 18): "Cuti Bersama Hari Raya Idul Adha",
    dt.date(2027, 5, 19): "Cuti Bersama Hari Raya Waisak",
    dt.date(2027, 12, 24): "Cuti Bersama Hari Raya Natal",
}
COLLECTIVE_LEAVE_YEARS = frozenset(day.year for day in COLLECTIVE_LEAVE_DAYS)


def install_policies(policy_model, type_model) -> int:
    """Creates the default policies and their types where missing (by code); returns how many
    rows it created. Takes the model classes so that migrations can pass historical ones."""
    created = 0
    policy_fields = {field.name for field in policy_model._meta.get_fields()}
    type_fields = {field.name for field in type_model._meta.get_fields()}
    has_default = policy_model.objects.filter(is_default=True).exists()
    for spec in POLICIES:
        values = {key: value for key, value in spec.items() if key in policy_fields and key not in ("code", "types")}
        if has_default:
            values["is_default"] = False
        policy, made = policy_model.objects.get_or_create(code=spec["code"], defaults=values)
        created += made
        for type_spec in spec["types"]:
            values = {key: value for key, value in type_spec.items() if key in type_fields and key != "code"}
            _leave_type, made = type_model.objects.get_or_create(policy=policy, code=type_spec["code"], defaults=values)
            created += made
    return created
