"""The drivers and the question bank Prima ships with, in English and Bahasa Indonesia.

Loaded by a data migration and by `bank_load()` (idempotent: matched by key, texts updated).
The drivers follow the service-excellence chain: people who are recognised, fairly paid,
able to rest, supported, equipped and proud of their service serve customers better.
"""

# key, English, Bahasa Indonesia
DRIVERS = [
    ("recognition", "Recognition and rewards", "Pengakuan dan penghargaan"),
    ("pay_fairness", "Bonuses and pay fairness", "Bonus dan keadilan remunerasi"),
    ("workload", "Workload and leave", "Beban kerja dan cuti"),
    ("leadership", "Leadership support", "Dukungan pimpinan"),
    ("teamwork", "Teamwork", "Kerja sama tim"),
    ("growth", "Growth and training", "Pengembangan dan pelatihan"),
    ("workplace", "Tools and comfort of the workplace", "Sarana dan kenyamanan tempat kerja"),
    ("service_culture", "Service culture", "Budaya pelayanan"),
    ("wellbeing", "Wellbeing", "Kesejahteraan"),
]

# key, driver key (None: no driver), kind, English, Bahasa Indonesia
QUESTIONS = [
    (
        "recognition-1",
        "recognition",
        "likert",
        "I receive recognition when I do good work.",
        "Saya mendapat pengakuan ketika bekerja dengan baik.",
    ),
    (
        "recognition-2",
        "recognition",
        "likert",
        "Good service to customers is noticed and appreciated here.",
        "Pelayanan yang baik kepada pelanggan diperhatikan dan dihargai di sini.",
    ),
    (
        "pay-1",
        "pay_fairness",
        "likert",
        "My pay is fair for the work I do.",
        "Penghasilan saya adil untuk pekerjaan yang saya lakukan.",
    ),
    (
        "pay-2",
        "pay_fairness",
        "likert",
        "Bonuses are awarded fairly and transparently.",
        "Bonus diberikan secara adil dan transparan.",
    ),
    (
        "pay-3",
        "pay_fairness",
        "likert",
        "I understand how bonuses and allowances are decided.",
        "Saya memahami bagaimana bonus dan tunjangan ditetapkan.",
    ),
    ("workload-1", "workload", "likert", "My workload is manageable.", "Beban kerja saya masih dapat saya kelola."),
    (
        "workload-2",
        "workload",
        "likert",
        "I can take my leave when I need it.",
        "Saya dapat mengambil cuti ketika saya membutuhkannya.",
    ),
    (
        "workload-3",
        "workload",
        "likert",
        "I rarely have to work beyond my normal hours.",
        "Saya jarang harus bekerja melebihi jam kerja normal.",
    ),
    (
        "leadership-1",
        "leadership",
        "likert",
        "My manager supports me when problems come up.",
        "Atasan saya mendukung saya ketika muncul masalah.",
    ),
    (
        "leadership-2",
        "leadership",
        "likert",
        "Leaders here explain the reasons behind decisions.",
        "Pimpinan di sini menjelaskan alasan di balik keputusan.",
    ),
    (
        "teamwork-1",
        "teamwork",
        "likert",
        "The people in my team help each other.",
        "Rekan-rekan di tim saya saling membantu.",
    ),
    (
        "teamwork-2",
        "teamwork",
        "likert",
        "Other units cooperate with us to serve customers.",
        "Unit lain bekerja sama dengan kami dalam melayani pelanggan.",
    ),
    (
        "growth-1",
        "growth",
        "likert",
        "I have had useful training in the last six months.",
        "Saya mendapat pelatihan yang bermanfaat dalam enam bulan terakhir.",
    ),
    (
        "growth-2",
        "growth",
        "likert",
        "I can see a way to grow in this organisation.",
        "Saya melihat jalan untuk berkembang di organisasi ini.",
    ),
    (
        "workplace-1",
        "workplace",
        "likert",
        "I have the tools and systems I need to serve customers well.",
        "Saya memiliki sarana dan sistem yang saya perlukan untuk melayani pelanggan dengan baik.",
    ),
    (
        "workplace-2",
        "workplace",
        "likert",
        "My workplace is comfortable and safe.",
        "Tempat kerja saya nyaman dan aman.",
    ),
    (
        "service-1",
        "service_culture",
        "likert",
        "We keep our service promises to customers.",
        "Kami menepati janji layanan kepada pelanggan.",
    ),
    (
        "service-2",
        "service_culture",
        "likert",
        "I am proud of the service my unit gives.",
        "Saya bangga dengan pelayanan yang diberikan unit saya.",
    ),
    (
        "service-3",
        "service_culture",
        "likert",
        "Customer complaints are used to improve our work.",
        "Pengaduan pelanggan digunakan untuk memperbaiki pekerjaan kami.",
    ),
    (
        "wellbeing-1",
        "wellbeing",
        "likert",
        "At the end of a working day I still have energy left.",
        "Di akhir hari kerja saya masih memiliki tenaga.",
    ),
    (
        "wellbeing-2",
        "wellbeing",
        "likert",
        "I can balance my work and my personal life.",
        "Saya dapat menyeimbangkan pekerjaan dan kehidupan pribadi.",
    ),
    (
        "enps",
        None,
        "enps",
        "How likely are you to recommend this organisation as a place to work?",
        "Seberapa besar kemungkinan Anda merekomendasikan organisasi ini sebagai tempat bekerja?",
    ),
    (
        "comment-improve",
        None,
        "text",
        "What one thing would help you serve customers better?",
        "Satu hal apa yang akan membantu Anda melayani pelanggan dengan lebih baik?",
    ),
    (
        "comment-keep",
        None,
        "text",
        "What should we keep doing?",
        "Apa yang sebaiknya tetap kita lakukan?",
    ),
    (
        "comment-other",
        None,
        "text",
        "Is there anything else you would like to tell us?",
        "Adakah hal lain yang ingin Anda sampaikan?",
    ),
]


def bank_load(driver_model=None, question_model=None) -> tuple[int, int]:
    """Creates or updates the shipped drivers and questions; returns how many of each exist.
    The data migration passes its historical models."""
    if driver_model is None or question_model is None:
        from pulse_surveys.models import Driver, Question

        driver_model, question_model = Driver, Question
    drivers = {}
    for position, (key, name_en, name_id) in enumerate(DRIVERS):
        drivers[key], _created = driver_model.objects.update_or_create(
            key=key, defaults={"name_en": name_en, "name_id": name_id, "position": position}
        )
    for key, driver_key, kind, text_en, text_id in QUESTIONS:
        question_model.objects.update_or_create(
            key=key,
            defaults={"driver": drivers.get(driver_key), "kind": kind, "text_en": text_en, "text_id": text_id},
        )
    return len(DRIVERS), len(QUESTIONS)
