"""The suggested actions Prima ships with, so that nobody plans from a blank page: a few per
pulse driver, per SKM element (PermenPANRB 14/2017) and per Prima service dimension, in English
and Bahasa Indonesia. Loaded by a data migration; HR edits the library afterwards (admin or
API). Matched by target and English title, so loading twice adds nothing.
"""

# (kind, key) -> [(title_en, title_id, description_en, description_id)]
SUGGESTIONS: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    # --- pulse drivers -----------------------------------------------------------------------
    ("driver", "recognition"): [
        (
            "Weekly service shout-out",
            "Apresiasi pelayanan mingguan",
            "In the weekly team meeting, name one colleague whose service made a difference and say why.",
            "Dalam rapat tim mingguan, sebutkan satu rekan yang pelayanannya membuat perbedaan dan jelaskan alasannya.",
        ),
        (
            "Share customer compliments with the whole unit",
            "Bagikan pujian pelanggan ke seluruh unit",
            "Collect compliments from customers and complaint channels and pass each one to the person and the team.",
            "Kumpulkan pujian dari pelanggan dan kanal pengaduan, lalu sampaikan kepada pegawai yang bersangkutan "
            "dan timnya.",
        ),
    ],
    ("driver", "pay_fairness"): [
        (
            "Explain how bonuses and allowances are decided",
            "Jelaskan cara penetapan bonus dan tunjangan",
            "Hold a short session with HR on the criteria and calendar of bonuses, THR and allowances; answer "
            "questions openly.",
            "Adakan sesi singkat bersama SDM tentang kriteria dan jadwal bonus, THR, dan tunjangan; jawab "
            "pertanyaan secara terbuka.",
        ),
        (
            "Review bonus distribution for consistency",
            "Tinjau konsistensi pembagian bonus",
            "Compare last year's bonuses across similar roles and correct unexplained gaps.",
            "Bandingkan bonus tahun lalu antarjabatan yang setara dan perbaiki selisih yang tidak dapat dijelaskan.",
        ),
    ],
    ("driver", "workload"): [
        (
            "Plan leave together each quarter",
            "Rencanakan cuti bersama setiap triwulan",
            "Agree a quarterly leave plan so that everyone can take their annual leave without leaving the counter "
            "short-staffed.",
            "Sepakati rencana cuti triwulanan agar setiap pegawai dapat mengambil cuti tahunan tanpa membuat loket "
            "kekurangan petugas.",
        ),
        (
            "Rebalance peak-hour rosters",
            "Atur ulang jadwal petugas pada jam sibuk",
            "Use queue data to move staff to the busiest hours and cut routine overtime.",
            "Gunakan data antrean untuk menempatkan petugas pada jam tersibuk dan mengurangi lembur rutin.",
        ),
    ],
    ("driver", "leadership"): [
        (
            "Monthly one-to-one conversations",
            "Percakapan empat mata setiap bulan",
            "Each manager meets each team member for 20 minutes a month on obstacles and support needed.",
            "Setiap atasan bertemu setiap anggota tim selama 20 menit per bulan untuk membahas hambatan dan dukungan "
            "yang dibutuhkan.",
        ),
        (
            "Leaders at the front line",
            "Pimpinan turun ke garis depan",
            "Managers spend half a day a month serving at the counter or on the phone alongside their staff.",
            "Atasan menghabiskan setengah hari setiap bulan melayani di loket atau telepon bersama stafnya.",
        ),
    ],
    ("driver", "teamwork"): [
        (
            "Daily ten-minute stand-up",
            "Rapat singkat sepuluh menit setiap hari",
            "Start each day with a short stand-up: yesterday's issues, today's load, who needs help.",
            "Awali setiap hari dengan rapat singkat: masalah kemarin, beban hari ini, siapa yang butuh bantuan.",
        ),
        (
            "Cross-training between counters",
            "Pelatihan silang antarloket",
            "Pair staff of different counters so that each can cover the other's service.",
            "Pasangkan petugas dari loket yang berbeda agar masing-masing dapat menggantikan layanan yang lain.",
        ),
    ],
    ("driver", "growth"): [
        (
            "Individual development plan",
            "Rencana pengembangan individu",
            "Agree with each person one skill to grow this year and the training or assignment that builds it.",
            "Sepakati dengan setiap pegawai satu keterampilan yang dikembangkan tahun ini beserta pelatihan atau "
            "penugasan yang mendukungnya.",
        ),
        (
            "Peer learning sessions",
            "Sesi belajar antarrekan",
            "Once a month a colleague teaches the team something they do well.",
            "Sebulan sekali seorang rekan mengajarkan kepada tim hal yang dikuasainya dengan baik.",
        ),
    ],
    ("driver", "workplace"): [
        (
            "Fix the tools that slow the service",
            "Perbaiki sarana yang memperlambat pelayanan",
            "List with the team the equipment and systems that fail most often and agree a repair plan with dates.",
            "Bersama tim, daftar peralatan dan sistem yang paling sering bermasalah, lalu sepakati rencana perbaikan "
            "beserta tanggalnya.",
        ),
        (
            "Improve the staff rest area",
            "Perbaiki ruang istirahat pegawai",
            "Make a clean, quiet place for breaks and prayer available to front-line staff.",
            "Sediakan tempat istirahat dan ibadah yang bersih dan tenang bagi petugas garis depan.",
        ),
    ],
    ("driver", "service_culture"): [
        (
            "Agree a team service charter",
            "Sepakati maklumat pelayanan tim",
            "Write with the team the service standards you promise customers, display them and review them monthly.",
            "Susun bersama tim standar pelayanan yang dijanjikan kepada pelanggan, pasang di tempat pelayanan, dan "
            "tinjau setiap bulan.",
        ),
        (
            "Discuss one customer story each week",
            "Bahas satu cerita pelanggan setiap minggu",
            "Read one complaint or compliment together and agree what to keep or change.",
            "Baca satu pengaduan atau pujian bersama-sama dan sepakati apa yang dipertahankan atau diubah.",
        ),
    ],
    ("driver", "wellbeing"): [
        (
            "Wellbeing check-in",
            "Sapa kesejahteraan pegawai",
            "Add a short wellbeing question to one-to-ones and follow up on what people raise.",
            "Tambahkan pertanyaan singkat tentang kesejahteraan dalam percakapan empat mata dan tindak lanjuti "
            "yang disampaikan.",
        ),
        (
            "Healthy-habits month",
            "Bulan kebiasaan sehat",
            "Organise a month of short exercise breaks, a health check and a talk on managing stress.",
            "Selenggarakan sebulan peregangan singkat, pemeriksaan kesehatan, dan ceramah tentang mengelola stres.",
        ),
    ],
    # --- SKM elements (unsur pelayanan, PermenPANRB 14/2017) ----------------------------------
    ("dimension", "u1"): [
        (
            "Publish a one-page requirements checklist",
            "Terbitkan daftar persyaratan satu halaman",
            "For every service, a plain checklist of requirements at the counter, on the website and by chat.",
            "Untuk setiap layanan, daftar persyaratan yang sederhana di loket, situs web, dan layanan pesan.",
        ),
        (
            "Remove requirements nobody checks",
            "Hapus persyaratan yang tidak diperiksa",
            "Review each required document with the team and drop those not used in the decision.",
            "Tinjau setiap dokumen yang dipersyaratkan bersama tim dan hapus yang tidak dipakai dalam keputusan.",
        ),
    ],
    ("dimension", "u2"): [
        (
            "Map and simplify the service procedure",
            "Petakan dan sederhanakan prosedur pelayanan",
            "Draw the current flow with the staff who run it and remove steps and signatures that add no value.",
            "Gambarkan alur yang berjalan bersama petugas pelaksana dan hapus langkah serta paraf yang tidak "
            "memberi nilai tambah.",
        ),
        (
            "Show the procedure at the counter",
            "Tampilkan prosedur di tempat pelayanan",
            "Display the service flow with its steps and who to ask at each one.",
            "Pasang alur pelayanan beserta langkah-langkahnya dan petugas yang dapat ditanya pada setiap langkah.",
        ),
    ],
    ("dimension", "u3"): [
        (
            "Track completion time against the standard",
            "Pantau waktu penyelesaian terhadap standar",
            "Record start and finish of each request and review the late ones weekly.",
            "Catat waktu mulai dan selesai setiap permohonan dan tinjau yang terlambat setiap minggu.",
        ),
        (
            "Queue ticketing and peak staffing",
            "Nomor antrean dan penambahan petugas jam sibuk",
            "Introduce queue numbers and open extra counters when the wait passes 15 minutes.",
            "Terapkan nomor antrean dan buka loket tambahan bila waktu tunggu melewati 15 menit.",
        ),
    ],
    ("dimension", "u4"): [
        (
            "Display tariffs and the legal basis",
            "Tampilkan tarif dan dasar hukumnya",
            "Show every fee (or that the service is free) and the regulation that sets it, at the counter and online.",
            "Tampilkan setiap biaya (atau bahwa layanan gratis) beserta peraturan yang menetapkannya, di loket dan "
            "daring.",
        ),
        (
            "Receipts for every payment",
            "Tanda terima untuk setiap pembayaran",
            "Give an official receipt for each payment and offer non-cash payment.",
            "Berikan tanda terima resmi untuk setiap pembayaran dan sediakan pembayaran nontunai.",
        ),
    ],
    ("dimension", "u5"): [
        (
            "Check the product before handing it over",
            "Periksa produk sebelum diserahkan",
            "A second person checks each document or permit against the specification before it goes out.",
            "Petugas kedua memeriksa setiap dokumen atau izin terhadap spesifikasinya sebelum diserahkan.",
        ),
        (
            "Publish what each service delivers",
            "Umumkan hasil setiap layanan",
            "State for each service exactly what the customer receives and how it can be corrected.",
            "Nyatakan untuk setiap layanan apa yang diterima pelanggan dan bagaimana cara memperbaikinya bila keliru.",
        ),
    ],
    ("dimension", "u6"): [
        (
            "Service knowledge refresher",
            "Penyegaran pengetahuan layanan",
            "A short monthly session on regulation changes and the questions customers ask most.",
            "Sesi bulanan singkat tentang perubahan peraturan dan pertanyaan yang paling sering diajukan pelanggan.",
        ),
        (
            "Buddy system for new staff",
            "Sistem pendamping bagi pegawai baru",
            "Pair each newcomer with an experienced colleague for their first two months at the counter.",
            "Pasangkan setiap pegawai baru dengan rekan berpengalaman selama dua bulan pertama di loket.",
        ),
    ],
    ("dimension", "u7"): [
        (
            "Excellent-service behaviour training",
            "Pelatihan perilaku pelayanan prima",
            "Practise greeting, listening, explaining and handling difficult customers (the 3S: senyum, salam, sapa).",
            "Latih cara menyambut, mendengarkan, menjelaskan, dan menghadapi pelanggan yang sulit (3S: senyum, "
            "salam, sapa).",
        ),
        (
            "Mystery-shopper visits",
            "Kunjungan pelanggan bayangan",
            "Arrange anonymous visits and discuss the findings with the team, not with individuals.",
            "Atur kunjungan tanpa identitas dan bahas temuannya bersama tim, bukan perorangan.",
        ),
    ],
    ("dimension", "u8"): [
        (
            "Answer every complaint within the standard time",
            "Tanggapi setiap pengaduan dalam waktu standar",
            "Register each complaint, acknowledge it within a day and tell the customer what was done.",
            "Catat setiap pengaduan, tanggapi dalam satu hari, dan sampaikan kepada pelanggan tindak lanjutnya.",
        ),
        (
            "Open more complaint channels",
            "Perbanyak kanal pengaduan",
            "Offer a suggestion box, a chat number and the national SP4N-LAPOR! channel, and publicise them.",
            "Sediakan kotak saran, nomor layanan pesan, dan kanal nasional SP4N-LAPOR!, lalu sosialisasikan.",
        ),
    ],
    ("dimension", "u9"): [
        (
            "Improve the waiting area",
            "Perbaiki ruang tunggu",
            "Enough seats, shade, drinking water, clean toilets and clear signs.",
            "Kursi yang cukup, peneduh, air minum, toilet bersih, dan petunjuk yang jelas.",
        ),
        (
            "Facilities for customers with disabilities",
            "Sarana bagi pelanggan penyandang disabilitas",
            "Ramps, a priority counter and assistance on request.",
            "Jalur landai, loket prioritas, dan pendampingan bila diminta.",
        ),
    ],
    # --- Prima service dimensions ----------------------------------------------------------
    ("dimension", "timeliness"): [
        (
            "Publish and keep service-time standards",
            "Umumkan dan tepati standar waktu pelayanan",
            "Display the promised time for each service and report monthly how often it was met.",
            "Tampilkan waktu yang dijanjikan untuk setiap layanan dan laporkan setiap bulan seberapa sering ditepati.",
        ),
        (
            "Open on time, every time",
            "Buka tepat waktu setiap hari",
            "Counters open at the published hour; the team agrees who covers breaks.",
            "Loket buka sesuai jam yang diumumkan; tim menyepakati siapa yang menggantikan saat istirahat.",
        ),
    ],
    ("dimension", "accuracy"): [
        (
            "Four-eyes check on outgoing documents",
            "Pemeriksaan dua orang atas dokumen keluar",
            "A colleague checks names, numbers and dates before a document leaves the unit.",
            "Seorang rekan memeriksa nama, nomor, dan tanggal sebelum dokumen keluar dari unit.",
        ),
        (
            "Learn from each correction",
            "Belajar dari setiap koreksi",
            "Log each document that had to be corrected and fix the cause, not only the document.",
            "Catat setiap dokumen yang harus dikoreksi dan perbaiki penyebabnya, bukan hanya dokumennya.",
        ),
    ],
    ("dimension", "responsibility"): [
        (
            "One named person per request",
            "Satu petugas penanggung jawab per permohonan",
            "Each request gets an owner the customer can contact until it is finished.",
            "Setiap permohonan memiliki penanggung jawab yang dapat dihubungi pelanggan sampai selesai.",
        ),
        (
            "Close the loop on complaints",
            "Tuntaskan tindak lanjut pengaduan",
            "Report monthly how many complaints were resolved and what changed because of them.",
            "Laporkan setiap bulan berapa pengaduan yang diselesaikan dan apa yang berubah karenanya.",
        ),
    ],
    ("dimension", "courtesy"): [
        (
            "Service etiquette refresher",
            "Penyegaran etika pelayanan",
            "A short team session on greeting, tone and patience, with role play of difficult moments.",
            "Sesi tim singkat tentang menyapa, nada bicara, dan kesabaran, dengan bermain peran untuk situasi sulit.",
        ),
        (
            "Recognise courteous service",
            "Hargai pelayanan yang santun",
            "Ask customers to name staff who served them well and recognise them monthly.",
            "Minta pelanggan menyebut petugas yang melayani dengan baik dan berikan apresiasi setiap bulan.",
        ),
    ],
    ("dimension", "accessibility"): [
        (
            "Online booking and information",
            "Pemesanan dan informasi daring",
            "Let customers check requirements, book a slot and follow their request online.",
            "Mudahkan pelanggan memeriksa persyaratan, memesan jadwal, dan memantau permohonan secara daring.",
        ),
        (
            "Extended hours on the busiest days",
            "Perpanjang jam layanan pada hari tersibuk",
            "Open longer on the days with most visitors, with rotating shifts.",
            "Buka lebih lama pada hari dengan pengunjung terbanyak, dengan giliran kerja bergantian.",
        ),
    ],
    ("dimension", "comfort"): [
        (
            "Comfortable, clean service area",
            "Ruang pelayanan yang nyaman dan bersih",
            "A daily cleanliness check of the waiting area, toilets and counters.",
            "Pemeriksaan kebersihan harian untuk ruang tunggu, toilet, dan loket.",
        ),
        (
            "Ask customers what would make the visit easier",
            "Tanyakan kepada pelanggan apa yang membuat kunjungan lebih mudah",
            "Run a short on-site survey about facilities and fix the top three items.",
            "Adakan survei singkat di lokasi tentang sarana dan perbaiki tiga hal teratas.",
        ),
    ],
}


def suggestions_load(model) -> int:
    """Adds the missing suggestions to `model` (SuggestedAction, real or historical)."""
    added = 0
    for (kind, key), entries in SUGGESTIONS.items():
        target = {"driver": key, "dimension": ""} if kind == "driver" else {"driver": "", "dimension": key}
        for position, (title_en, title_id, description_en, description_id) in enumerate(entries):
            _suggestion, created = model.objects.get_or_create(
                **target,
                title_en=title_en,
                defaults={
                    "title_id": title_id,
                    "description_en": description_en,
                    "description_id": description_id,
                    "position": position,
                },
            )
            added += created
    return added
