"""The demo organisation: an Indonesian public-service office with ~160 people."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from core.demo import DEMO_PASSWORD, DemoOrg
from employees import services
from employees.models import Department, Role, Sex, User

# code, name, parent code, service unit, staff (besides the manager), customer population
DEPARTMENTS = [
    ("PUSAT", "Kantor Pusat", None, False, 0, None),
    ("PIMPINAN", "Pimpinan", "PUSAT", False, 2, None),
    ("SDM", "Sumber Daya Manusia", "PUSAT", False, 5, None),
    ("KEU", "Keuangan", "PUSAT", False, 5, None),
    ("TI", "Teknologi Informasi", "PUSAT", False, 5, None),
    ("OPS", "Direktorat Pelayanan", "PUSAT", False, 1, None),
    ("LYN-PLG", "Layanan Pelanggan", "OPS", True, 14, 6000),
    ("LKT-IZN", "Loket Perizinan", "OPS", True, 11, 4000),
    ("LYN-DIG", "Layanan Digital", "OPS", True, 9, 9000),
    ("PGD", "Pengaduan Masyarakat", "OPS", True, 3, 800),
    ("ARSIP", "Arsip dan Dokumentasi", "OPS", False, 2, None),
    ("WIL", "Kantor Wilayah", "PUSAT", False, 6, None),
    ("CAB-BDG", "Cabang Bandung", "WIL", True, 10, 5000),
    ("CAB-SBY", "Cabang Surabaya", "WIL", True, 10, 5500),
    ("CAB-MKS", "Cabang Makassar", "WIL", True, 8, 3000),
    # Small branch offices: with the units above, enough units for driver impact across units.
    ("CAB-MDN", "Cabang Medan", "WIL", True, 6, 800),
    ("CAB-SMG", "Cabang Semarang", "WIL", True, 6, 700),
    ("CAB-YOG", "Cabang Yogyakarta", "WIL", True, 6, 600),
    ("CAB-DPS", "Cabang Denpasar", "WIL", True, 6, 600),
    ("CAB-PLM", "Cabang Palembang", "WIL", True, 6, 500),
    ("CAB-BPN", "Cabang Balikpapan", "WIL", True, 6, 450),
    ("CAB-MND", "Cabang Manado", "WIL", True, 6, 400),
    ("CAB-PTK", "Cabang Pontianak", "WIL", True, 6, 400),
]

FIRST_NAMES_F = [
    "Siti",
    "Dewi",
    "Ayu",
    "Rina",
    "Putri",
    "Wulan",
    "Indah",
    "Lestari",
    "Nur",
    "Fitri",
    "Maya",
    "Ratna",
    "Sri",
    "Yuliana",
    "Anisa",
    "Kartika",
    "Melati",
    "Intan",
    "Sekar",
    "Citra",
]
FIRST_NAMES_M = [
    "Budi",
    "Agus",
    "Andi",
    "Rudi",
    "Hendra",
    "Joko",
    "Eko",
    "Bayu",
    "Dimas",
    "Fajar",
    "Rizky",
    "Yusuf",
    "Arif",
    "Bambang",
    "Teguh",
    "Wahyu",
    "Ahmad",
    "Gilang",
    "Hadi",
    "Irfan",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Pratama",
    "Kusuma",
    "Nugroho",
    "Setiawan",
    "Lubis",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Tanjung",
    "Wibowo",
    "Halim",
    "Gunawan",
    "Susanto",
    "Rahmawati",
    "Purnomo",
    "Sitompul",
    "Manurung",
    "Pangaribuan",
    "Daulay",
    "Utami",
]

# username, first, last, role, department code, sex
PERSONAS = [
    ("leadership", "Ratna", "Kusumawardani", Role.LEADERSHIP, "PIMPINAN", Sex.FEMALE),
    ("hr", "Dewi", "Lestari", Role.HR, "SDM", Sex.FEMALE),
    ("manager", "Budi", "Santoso", Role.MANAGER, "LYN-PLG", Sex.MALE),
    ("employee", "Siti", "Rahayu", Role.EMPLOYEE, "LYN-PLG", Sex.FEMALE),
]


def _wage(org: DemoOrg, role: str) -> Decimal:
    low, high = {Role.EMPLOYEE: (55, 120), Role.MANAGER: (150, 250), Role.HR: (90, 160), Role.LEADERSHIP: (300, 450)}[
        role
    ]
    return Decimal(org.rng.randint(low, high)) * Decimal(100_000)


def _hire_date(org: DemoOrg) -> dt.date:
    # Mostly long-serving staff, a few recent hires (THR pro rata, leave not yet earned).
    days = org.rng.choice([org.rng.randint(30, 330), *[org.rng.randint(400, 3650)] * 6])
    return org.today - dt.timedelta(days=days)


def _person(org: DemoOrg, password_hash: str, *, username, first, last, role, department, manager, sex, number):
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    user = services.employee_create(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@prima.example",
        employee_number=f"P{number:05d}",
        department=department,
        manager=manager,
        hire_date=_hire_date(org),
        role=role,
        monthly_wage=_wage(org, role),
        sex=sex,
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def seed(org: DemoOrg) -> None:
    for code, name, parent_code, service_unit, _staff, population in DEPARTMENTS:
        department = Department.objects.filter(code=code).first() or services.department_create(
            name=name,
            code=code,
            parent=org.departments.get(parent_code),
            is_service_unit=service_unit,
            customer_population=population,
        )
        org.departments[code] = department

    password_hash = make_password(DEMO_PASSWORD)
    number = 1
    for username, first, last, role, code, sex in PERSONAS:
        org.people[username] = _person(
            org,
            password_hash,
            username=username,
            first=first,
            last=last,
            role=role,
            department=org.departments[code],
            manager=None,
            sex=sex,
            number=number,
        )
        number += 1

    leadership = org.people["leadership"]
    for code, _name, _parent, _service, staff, _population in DEPARTMENTS:
        department = org.departments[code]
        if code == "PUSAT":
            continue
        if code == "LYN-PLG":
            head = org.people["manager"]
        elif code == "PIMPINAN":
            head = leadership
        else:
            head = _person(
                org,
                password_hash,
                username=f"mgr.{code.lower()}",
                first=org.rng.choice(FIRST_NAMES_M),
                last=org.rng.choice(LAST_NAMES),
                role=Role.MANAGER,
                department=department,
                manager=leadership,
                sex=Sex.MALE,
                number=100 + number,
            )
            number += 1
        org.people[head.username] = head
        for index in range(staff):
            female = org.rng.random() < 0.5
            first = org.rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
            person = _person(
                org,
                password_hash,
                username=f"{code.lower()}.{index + 1:02d}",
                first=first,
                last=org.rng.choice(LAST_NAMES),
                role=Role.EMPLOYEE,
                department=department,
                manager=head,
                sex=Sex.FEMALE if female else Sex.MALE,
                number=1000 + number,
            )
            number += 1
            org.people[person.username] = person

    employee = org.people["employee"]
    if employee.manager_id is None:
        services.employee_update(user=employee, manager=org.people["manager"])
    manager = org.people["manager"]
    if manager.manager_id is None:
        services.employee_update(user=manager, manager=leadership)
    hr = org.people["hr"]
    if hr.manager_id is None and "mgr.sdm" in org.people:
        services.employee_update(user=hr, manager=org.people["mgr.sdm"])

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create(
            username="admin",
            first_name="Admin",
            last_name="Prima",
            email="admin@prima.example",
            is_staff=True,
            is_superuser=True,
            role=Role.HR,
            department=org.departments["SDM"],
            password=password_hash,
        )
    org.people["admin"] = admin
    org.say(f"{Department.objects.count()} departments, {User.objects.count()} people")
