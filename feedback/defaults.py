"""The comment themes Prima ships with, loaded by a data migration and editable by HR.

Each theme names the pulse driver (`pulse_surveys.bank.DRIVERS`) and the SKM element (U1–U9,
PermenPANRB 14/2017) it speaks of, where there is one, and the words that mark it in Bahasa
Indonesia and in English. A keyword may be a phrase ("beban kerja"); every word of it is matched
as written or by its stem, so "pelatihan", "dilatih" and "latihan" all find "pelatihan".
The order is the tie-break when a comment mentions two themes equally often.
"""

# key, English, Bahasa Indonesia, driver key, SKM element, Indonesian keywords, English keywords
THEMES = [
    (
        "systems",
        "Applications and IT systems",
        "Aplikasi dan sistem TI",
        "workplace",
        "u2",
        "aplikasi, sistem, daring, website, situs, server, jaringan, sinyal, login, digital, teknologi, loading, "
        "error, eror, internet, wifi, komputer, printer",
        "app, application, system, systems, website, site, online, software, server, network, login, portal, "
        "digital, error, crash, bug, loading, internet, wifi, computer, computers, printer",
    ),
    (
        "pay",
        "Pay, bonuses and allowances",
        "Gaji, bonus dan tunjangan",
        "pay_fairness",
        "",
        "gaji, bonus, tunjangan, insentif, remunerasi, upah, honor, thr, uang lembur, penghasilan, tukin, "
        "kenaikan gaji, tunjangan kinerja",
        "pay, salary, salaries, bonus, bonuses, allowance, allowances, wage, wages, compensation, raise, "
        "incentive, incentives, payroll, underpaid, paid",
    ),
    (
        "workload",
        "Workload, staffing and leave",
        "Beban kerja, jumlah pegawai dan cuti",
        "workload",
        "",
        "beban kerja, lembur, cuti, istirahat, libur, kewalahan, jam kerja, target, tenggat, tambahan petugas, "
        "kekurangan pegawai, kekurangan orang, kurang orang, jumlah petugas, tambah pegawai, menumpuk, sibuk, "
        "pekerjaan",
        "workload, overtime, leave, holiday, holidays, vacation, rest, overworked, overload, overloaded, "
        "understaffed, short staffed, deadline, deadlines, busy, burnout, long hours, shifts, tasks",
    ),
    (
        "recognition",
        "Recognition and appreciation",
        "Pengakuan dan apresiasi",
        "recognition",
        "",
        "apresiasi, penghargaan, pengakuan, dihargai, menghargai, pujian, dipuji, reward, teladan, diakui",
        "recognition, recognised, recognized, appreciation, appreciated, praise, praised, acknowledged, "
        "acknowledgement, valued, reward, rewards, credit, employee of the month",
    ),
    (
        "leadership",
        "Leadership and management",
        "Pimpinan dan manajemen",
        "leadership",
        "",
        "atasan, pimpinan, manajer, kepala bagian, kepala unit, kepala kantor, kabag, kasi, direksi, direktur, "
        "supervisor, manajemen, arahan, kepemimpinan, bos",
        "manager, managers, management, leader, leaders, leadership, supervisor, supervisors, boss, director, "
        "directors, executive, executives",
    ),
    (
        "teamwork",
        "Teamwork and communication",
        "Kerja sama dan komunikasi",
        "teamwork",
        "",
        "kerja sama, kerjasama, tim, rekan, rekan kerja, kolega, antarunit, antar unit, koordinasi, kompak, "
        "gotong royong, komunikasi",
        "team, teams, teamwork, colleague, colleagues, coworker, coworkers, cooperation, collaboration, "
        "collaborate, coordination, communication",
    ),
    (
        "growth",
        "Training and careers",
        "Pelatihan dan karier",
        "growth",
        "",
        "pelatihan, training, diklat, bimtek, kursus, belajar, pengembangan, karier, karir, promosi, sertifikasi, "
        "workshop, jenjang, mentoring",
        "training, trainings, course, courses, learn, learning, career, promotion, promotions, development, "
        "growth, workshop, mentoring, coaching, skills",
    ),
    (
        "wellbeing",
        "Health and wellbeing",
        "Kesehatan dan kesejahteraan",
        "wellbeing",
        "",
        "kesehatan, sehat, stres, stress, tertekan, mental, keluarga, kesejahteraan, olahraga, sakit, burnout, "
        "lelah, keseimbangan",
        "wellbeing, health, healthy, stress, stressed, mental, family, balance, sick, anxiety, tired, "
        "exhausted, wellness",
    ),
    (
        "service_culture",
        "Service culture",
        "Budaya pelayanan",
        "service_culture",
        "",
        "budaya pelayanan, pelayanan prima, melayani masyarakat, kepuasan pelanggan, standar pelayanan, "
        "integritas, pelayanan publik, budaya kerja",
        "service culture, customer service, customer focus, integrity, service standards, serving customers",
    ),
    (
        "requirements",
        "Requirements and documents",
        "Persyaratan dan berkas",
        "",
        "u1",
        "persyaratan, syarat, dokumen, berkas, fotokopi, fotocopy, kartu keluarga, ktp, formulir, surat pengantar, "
        "materai, meterai, legalisir",
        "requirements, requirement, documents, document, paperwork, forms, form, copies, photocopy, photocopies, "
        "id card, certificate",
    ),
    (
        "procedures",
        "Procedures and information",
        "Prosedur dan informasi",
        "",
        "u2",
        "prosedur, alur, mekanisme, birokrasi, berbelit, tahapan, langkah, bolak balik, informasi, pengumuman, "
        "petunjuk, papan informasi",
        "procedure, procedures, process, steps, bureaucracy, red tape, back and forth, information, "
        "instructions, signs, signage",
    ),
    (
        "waiting_time",
        "Waiting and completion time",
        "Waktu tunggu dan penyelesaian",
        "",
        "u3",
        "antre, antrean, menunggu, tunggu, lama, lambat, cepat, waktu tunggu, waktu penyelesaian, tepat waktu, "
        "terlambat, berhari hari, berminggu minggu, jam buka, loket",
        "wait, waiting, waited, queue, queues, queueing, slow, fast, quick, quickly, delay, delayed, late, "
        "on time, timely, speed, days, weeks, hours, counter",
    ),
    (
        "cost",
        "Costs and fees",
        "Biaya dan tarif",
        "",
        "u4",
        "biaya, tarif, bayar, membayar, pembayaran, gratis, mahal, murah, pungli, pungutan, uang, calo, "
        "retribusi, denda, ongkos, uang rokok",
        "cost, costs, fee, fees, price, prices, charge, charged, free, expensive, cheap, bribe, bribes, tariff, "
        "payment, money",
    ),
    (
        "product",
        "Accuracy of the result",
        "Ketepatan hasil layanan",
        "",
        "u5",
        "hasil, produk, salah ketik, kesalahan, keliru, salah, typo, cetak, tercetak, data",
        "result, results, product, output, mistake, mistakes, wrong, typo, incorrect, accurate, accuracy, "
        "printed, misspelled",
    ),
    (
        "competence",
        "Staff competence",
        "Kompetensi petugas",
        "",
        "u6",
        "kompeten, kompetensi, menguasai, paham, memahami, pengetahuan, terampil, cakap, profesional, penjelasan, "
        "menjelaskan, ahli, tidak tahu",
        "competent, competence, knowledgeable, knowledge, skilled, expert, professional, explain, explained, "
        "explanation, understand, clueless, informed",
    ),
    (
        "conduct",
        "Staff conduct and courtesy",
        "Perilaku dan keramahan petugas",
        "",
        "u7",
        "ramah, sopan, santun, senyum, ketus, kasar, acuh, sombong, marah, membentak, sabar, perilaku, sikap, "
        "etika, pilih kasih, main ponsel, ngobrol, diskriminasi, orang dalam",
        "friendly, unfriendly, polite, impolite, rude, smile, smiled, smiling, attitude, behaviour, behavior, "
        "courteous, respectful, patient, arrogant, ignored, shouted, yelled, manners, kind",
    ),
    (
        "complaints",
        "Complaints and feedback",
        "Pengaduan dan masukan",
        "",
        "u8",
        "pengaduan, keluhan, aduan, kotak saran, tanggapan, ditanggapi, respon, respons, tindak lanjut, "
        "ditindaklanjuti, lapor, laporan, call center, hotline, kritik",
        "complaint, complaints, feedback, suggestion, suggestions, respond, response, responded, follow up, "
        "reported, report, hotline, call center, reply, replied",
    ),
    (
        "facilities",
        "Facilities and comfort",
        "Sarana dan kenyamanan",
        "workplace",
        "u9",
        "ac, ruang, ruangan, ruang tunggu, toilet, kamar mandi, parkir, parkiran, kursi, meja, gedung, fasilitas, "
        "sarana, prasarana, kantin, mushola, musala, lift, kebersihan, listrik, air, alat, peralatan, bangunan, "
        "lampu, pengap, kipas",
        "facilities, facility, office, room, rooms, waiting room, toilet, toilets, restroom, bathroom, parking, "
        "chairs, chair, desk, desks, building, air conditioning, aircon, ac, equipment, lift, elevator, canteen, "
        "space, seats, fan",
    ),
]
