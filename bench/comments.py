"""Comment analysis at volume: themes and sentiment of 100,000 comments, and their names
taken out against a directory of 50,000 people.

    python -m bench.comments [--comments 100000] [--people 50000]

The comments are generated from templates in both languages (formal and informal Indonesian,
English), with slang, negation, emoji, a colleague's name in one in ten and a misspelt word in
one in eight, so that the vocabulary keeps growing as real comments' does: each new word costs
Sastrawi about a millisecond the first time. The analysis runs with cold caches (as after a
worker starts), through `CommentAnalyser.summarise`, what the pages call. Needs no database
rows; the results file is named after the database like the other benchmarks'.
"""

import argparse
import datetime as dt
import random
import string
import time

from bench._common import machine, save_results, setup_django

GOAL_SECONDS = 60

SUBJECTS_ID = [
    "petugas loket", "petugasnya", "atasan saya", "pimpinan", "aplikasi antrean", "sistem absensi", "ruang tunggu",
    "toilet", "parkiran", "antrean", "proses perizinan", "gaji", "bonus tahunan", "tunjangan kinerja", "cuti",
    "beban kerja", "pelatihan", "rekan kerja", "koordinasi antarunit", "biaya layanan", "persyaratan", "formulir",
    "call center", "kotak saran", "hasil cetak kartu", "penjelasan petugas", "jaringan internet", "AC kantor",
]  # fmt: skip
PRAISE_ID = ["ramah", "cepat", "bagus", "mantap", "jelas", "membantu", "nyaman", "bersih", "rapi", "sigap", "adil"]
BLAME_ID = ["lambat", "lemot", "ribet", "kotor", "jutek", "mahal", "berbelit", "error", "telat", "panas", "kacau"]
INTENSITY_ID = ["", "sangat ", "bgt ", "banget ", "agak ", "terlalu "]
NEGATION_ID = ["tidak", "gak", "ga", "nggak", "tdk", "kurang", "belum"]
TEMPLATES_ID = [
    "{s} {i}{p}",
    "{s} {n} {p}",
    "{s} {i}{b}, mohon diperbaiki",
    "{s} sdh {p} tp {s2} msh {b}",
    "mohon {s} lebih {p} lagi",
    "{s} {b} bgt, kecewa",
    "terima kasih, {s} {p} sekali {e}",
    "kenapa {s} selalu {b}? {e}",
    "{name} di {s} {i}{p}",
    "saran: {s} sebaiknya {n} {b} lagi",
    "udah {t} hari nunggu, {s} {b}",
    "{s} yg kemarin {n} {p}, pdhl sdh lapor",
]
SUBJECTS_EN = [
    "the staff", "my manager", "the app", "the website", "the queue", "the waiting room", "the toilets", "parking",
    "the bonus scheme", "my salary", "the training", "the workload", "communication", "the fees", "the paperwork",
]  # fmt: skip
PRAISE_EN = ["friendly", "fast", "helpful", "clear", "great", "clean", "fair", "supportive", "efficient"]
BLAME_EN = ["slow", "rude", "confusing", "dirty", "unfair", "broken", "expensive", "stressful", "late"]
TEMPLATES_EN = [
    "{s} is {i}{p}",
    "{s} is not {p}",
    "{s} was {i}{b} {e}",
    "please make {s} more {p}",
    "{s} is {p} but {s2} is {b}",
    "never {p}, always {b}",
    "thanks to {name}, {s} was {p}",
    "waited {t} hours, {s} so {b}",
]
INTENSITY_EN = ["", "very ", "really ", "so ", "quite ", "too "]
EMOJI = ["", "", "", "😊", "👍", "😡", "🙏", "😞"]
NAMES = ["Pak Budi", "Bu Sri", "mas Anto", "Mbak Yuni", "Wawan", "Bu Rahmawati", "Kak Dinda", "Suryatno"]


def _misspelt(rng: random.Random, comment: str) -> str:
    """One word with a letter changed: a word the stemmer has not seen."""
    words = comment.split()
    at = rng.randrange(len(words))
    word = words[at]
    if len(word) > 3:
        position = rng.randrange(1, len(word))
        words[at] = word[:position] + rng.choice(string.ascii_lowercase) + word[position + 1 :]
    return " ".join(words)


def generate(count: int, *, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    comments = []
    for _number in range(count):
        english = rng.random() < 0.3
        template = rng.choice(TEMPLATES_EN if english else TEMPLATES_ID)
        subjects = SUBJECTS_EN if english else SUBJECTS_ID
        comment = template.format(
            s=rng.choice(subjects),
            s2=rng.choice(subjects),
            p=rng.choice(PRAISE_EN if english else PRAISE_ID),
            b=rng.choice(BLAME_EN if english else BLAME_ID),
            i=rng.choice(INTENSITY_EN if english else INTENSITY_ID),
            n=rng.choice(NEGATION_ID),
            e=rng.choice(EMOJI),
            t=rng.randint(2, 30),
            name=rng.choice(NAMES) if rng.random() < 0.5 else "petugas",
        )
        if rng.random() < 0.1 and "{name}" not in template:
            comment = f"{rng.choice(NAMES)}: {comment}"
        if rng.random() < 0.125:
            comment = _misspelt(rng, comment)
        if rng.random() < 0.05:
            comment = " ".join([comment] * rng.randint(2, 6))  # a long one
        comments.append(comment[0].upper() + comment[1:])
    return comments


def _people(count: int, *, seed: int = 2) -> list[tuple[str, str]]:
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    return [(fake.first_name(), fake.last_name()) for _ in range(count)]


def bench(*, comments: int, people: int, out=print) -> dict:
    from feedback import text
    from feedback.analysis import default_analyser
    from feedback.redaction import NameIndex, is_dictionary_word

    texts = generate(comments)
    words = {word for comment in texts for clause in text.clauses(comment) for word in clause}
    length = sum(map(len, texts)) / len(texts)
    out(f"  {len(texts):,} comments, {len(words):,} distinct words, {length:.0f} characters each")
    text.stem_id.cache_clear()
    text.stem_en.cache_clear()
    is_dictionary_word.cache_clear()
    started = time.perf_counter()
    analyser = default_analyser()
    summary = analyser.summarise(texts)
    analysis_seconds = time.perf_counter() - started
    out(
        f"  themes and sentiment: {analysis_seconds:.1f} s (goal ≤ {GOAL_SECONDS} s); top themes "
        f"{[(theme.key, theme.count) for theme in summary.themes]}, shares "
        f"{summary.positive_share:.2f}/{summary.neutral_share:.2f}/{summary.negative_share:.2f}"
    )
    directory = _people(people)
    started = time.perf_counter()
    index = NameIndex(directory)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    redacted = [index.redact(comment) for comment in texts]
    redaction_seconds = time.perf_counter() - started
    with_names = sum("[nama]" in comment for comment in redacted)
    out(
        f"  names: index of {people:,} people {index_seconds:.2f} s, {comments:,} comments redacted in "
        f"{redaction_seconds:.1f} s ({with_names:,} had a name)"
    )
    return {
        "comments": comments,
        "distinct_words": len(words),
        "analysis_seconds": round(analysis_seconds, 2),
        "goal_seconds": GOAL_SECONDS,
        "people": people,
        "index_seconds": round(index_seconds, 2),
        "redaction_seconds": round(redaction_seconds, 2),
        "comments_with_names": with_names,
        "top_themes": [[theme.key, theme.count] for theme in summary.themes],
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args(argv)
    setup_django()
    print("Comment analysis")
    data = {
        "machine": machine(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **bench(comments=args.comments, people=args.people),
    }
    print(f"  written to {save_results('comments', data)}")


if __name__ == "__main__":
    main()
