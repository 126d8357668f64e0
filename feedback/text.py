"""Turning a comment into tokens Prima can count: lower case, informal Indonesian written out,
stems (Sastrawi for Indonesian, Snowball's English stemmer for English) and the comment's
language. Pure functions, no database; the stemmers are built once and every stem is cached,
since Sastrawi spends about a millisecond on a word it has not seen."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Longer comments are cut here before analysis: a page of text says no more about themes
# and sentiment than its first few thousand characters, and the cut bounds the work.
ANALYSED_CHARACTERS = 4000

# Informal Indonesian (and a little informal English) as people type it, written out. Curated
# from workplace and public-service comments; words that carry no theme or sentiment are left
# out (they are harmless either way).
SLANG = {
    # negation
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "g": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "nggk": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "ndak": "tidak",
    "nda": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "kagak": "tidak",
    "gak2": "tidak",
    "tida": "tidak",
    "bkn": "bukan",
    "blm": "belum",
    "blom": "belum",
    "belom": "belum",
    "jgn": "jangan",
    "krg": "kurang",
    "kurg": "kurang",
    # function words
    "yg": "yang",
    "yng": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "dng": "dengan",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "utk": "untuk",
    "untk": "untuk",
    "buat": "untuk",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "sudh": "sudah",
    "lg": "lagi",
    "lgi": "lagi",
    "jg": "juga",
    "jga": "juga",
    "aja": "saja",
    "aj": "saja",
    "doang": "saja",
    "dll": "dan lain lain",
    "dsb": "dan sebagainya",
    "tp": "tapi",
    "tpi": "tapi",
    "tetapi": "tapi",
    "trs": "terus",
    "trus": "terus",
    "klo": "kalau",
    "kalo": "kalau",
    "kl": "kalau",
    "sm": "sama",
    "ama": "sama",
    "jd": "jadi",
    "jdi": "jadi",
    "msh": "masih",
    "masi": "masih",
    "hrs": "harus",
    "hrus": "harus",
    "lbh": "lebih",
    "sbg": "sebagai",
    "spt": "seperti",
    "kyk": "seperti",
    "kayak": "seperti",
    "kaya": "seperti",
    "pd": "pada",
    "dr": "dari",
    "dri": "dari",
    "dlm": "dalam",
    "thd": "terhadap",
    "tgl": "tanggal",
    "skrg": "sekarang",
    "skrng": "sekarang",
    "emg": "memang",
    "emang": "memang",
    "cm": "cuma",
    "cuman": "cuma",
    "dpt": "dapat",
    "dapet": "dapat",
    "bs": "bisa",
    "bisa2": "bisa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "kmrn": "kemarin",
    "sy": "saya",
    "aku": "saya",
    "gue": "saya",
    "gw": "saya",
    "gua": "saya",
    "kita2": "kita",
    "org": "orang",
    "bpk": "bapak",
    "ibu2": "ibu",
    "bu": "ibu",
    "pak": "bapak",
    "tlg": "tolong",
    "mhn": "mohon",
    "sgt": "sangat",
    "bgt": "banget",
    "bngt": "banget",
    "bangett": "banget",
    "bener": "benar",
    "bnr": "benar",
    "byk": "banyak",
    "bnyk": "banyak",
    "bnyak": "banyak",
    "sampe": "sampai",
    "smp": "sampai",
    "tau": "tahu",
    "tw": "tahu",
    "liat": "lihat",
    "ngasih": "kasih",
    "dikasih": "diberi",
    "bikin": "buat",
    "pake": "pakai",
    "nunggu": "tunggu",
    "nungguin": "tunggu",
    "ngurus": "urus",
    "ngurusin": "urus",
    "nanya": "tanya",
    "nanyain": "tanya",
    "ngomong": "bicara",
    "ngelayanin": "layan",
    "ngelayani": "layan",
    # what people say about the service and work
    "mksh": "terima kasih",
    "makasih": "terima kasih",
    "makasi": "terima kasih",
    "trims": "terima kasih",
    "trmksh": "terima kasih",
    "tq": "thanks",
    "thx": "thanks",
    "mantul": "mantap",
    "mantab": "mantap",
    "mantaap": "mantap",
    "lemot": "lambat",
    "lelet": "lambat",
    "ribet": "rumit",
    "ngantri": "antre",
    "ngantre": "antre",
    "antri": "antre",
    "antrian": "antrean",
    "antrinya": "antrean",
    "ngaret": "terlambat",
    "molor": "terlambat",
    "telat": "terlambat",
    "capek": "lelah",
    "cape": "lelah",
    "capai": "lelah",
    "males": "malas",
    "jutek": "ketus",
    "judes": "ketus",
    "gercep": "cepat",
    "duit": "uang",
    "gaji2": "gaji",
    "wc": "toilet",
    "sumpek": "pengap",
    "gerah": "panas",
    "ramah2": "ramah",
    "oke": "ok",
    "okey": "ok",
    "sip": "bagus",
    "top": "bagus",
    "keren": "bagus",
    "kece": "bagus",
    "josss": "bagus",
    "jos": "bagus",
    "amburadul": "berantakan",
    "ancur": "hancur",
    "parah": "buruk",
    "zonk": "kecewa",
    "nyebelin": "menyebalkan",
    "bete": "kesal",
    "galak": "kasar",
    "cuek": "acuh",
    "ngeluh": "keluh",
    "komplen": "keluhan",
    "komplain": "keluhan",
    "complain": "keluhan",
    "lembur2": "lembur",
    "apk": "aplikasi",
    "app": "aplikasi",
    "sistim": "sistem",
    "online": "daring",
    "onlen": "daring",
    "ol": "daring",
    "hp": "ponsel",
    # informal English
    "u": "you",
    "pls": "please",
    "plz": "please",
    "thanx": "thanks",
    "ty": "thanks",
    "gr8": "great",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "havent": "have not",
    "hasnt": "has not",
    "ppl": "people",
    "mgr": "manager",
    "mgmt": "management",
    "w": "with",
    "b4": "before",
    "asap": "soon",
}

_CONTRACTIONS = re.compile(r"\b(can|won|ain)'t\b|n't\b|['’]", re.IGNORECASE)
_REPEATS = re.compile(r"(\w)\1{2,}")  # "bangeeet" → "banget", "kereeen" → "keren"
_REDUPLICATED = re.compile(r"\b(\w+)2\b")  # "kadang2" → "kadang", as in informal writing
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What ends a clause: negation and intensity do not reach past it.
CLAUSE_BREAK = re.compile(r"[.!?;:,\n()]+")

# Words that tell the two languages apart in a short comment (after the slang is written out).
INDONESIAN_MARKERS = frozenset(
    [
        "yang",
        "dan",
        "tidak",
        "di",
        "ke",
        "dari",
        "untuk",
        "saya",
        "kami",
        "sudah",
        "belum",
        "sangat",
        "ada",
        "ini",
        "itu",
        "dengan",
        "petugas",
        "pelayanan",
        "tapi",
        "lebih",
        "juga",
        "karena",
        "mohon",
        "sekali",
        "masih",
        "bisa",
        "kurang",
        "agar",
        "supaya",
        "harus",
        "sering",
        "selalu",
        "kalau",
        "sama",
        "jadi",
        "banget",
        "terima",
        "kasih",
        "kerja",
        "atasan",
        "cuti",
        "gaji",
        "kantor",
        "perlu",
        "tolong",
        "semoga",
        "lagi",
        "saja",
        "pada",
        "oleh",
        "akan",
        "bagi",
        "kita",
    ]
)
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "not",
        "to",
        "of",
        "for",
        "very",
        "i",
        "we",
        "my",
        "our",
        "it",
        "was",
        "with",
        "but",
        "staff",
        "service",
        "too",
        "more",
        "be",
        "this",
        "that",
        "they",
        "have",
        "has",
        "had",
        "always",
        "never",
        "please",
        "would",
        "should",
        "could",
        "thanks",
        "thank",
        "you",
        "work",
        "manager",
        "team",
        "no",
        "so",
        "really",
        "much",
        "people",
        "here",
        "in",
        "on",
        "at",
    ]
)


def _contraction(match: re.Match) -> str:
    word = (match.group(1) or "").lower()
    if word == "can":
        return "can not"
    if word == "won":
        return "will not"
    if word == "ain":
        return "is not"
    return " not" if match.group(0).lower() == "n't" else ""


def clean(text: str) -> str:
    """Lower case, compatibility forms folded (full-width letters, ligatures), contractions
    written out, letters repeated for emphasis reduced, cut to ANALYSED_CHARACTERS."""
    text = unicodedata.normalize("NFKC", text or "")[:ANALYSED_CHARACTERS].lower()
    text = _CONTRACTIONS.sub(_contraction, text)
    text = _REDUPLICATED.sub(r"\1", text)
    return _REPEATS.sub(r"\1", text)


def words(text: str) -> list[str]:
    """The words of an already cleaned clause, with the slang written out ("yg" → "yang")."""
    out: list[str] = []
    for word in _WORD.findall(text):
        for part in word.split("-"):
            if len(part) < 2 and part != "g":
                continue
            replacement = SLANG.get(part)
            out.extend(replacement.split() if replacement else (part,))
    return out


def clauses(text: str) -> list[list[str]]:
    """The comment as clauses of normalised words."""
    return [found for piece in CLAUSE_BREAK.split(clean(text)) if (found := words(piece))]


def language_of(tokens: list[str]) -> str:
    """ "en" when more of the words are English markers than Indonesian ones, else "id"
    (Prima's organisations write mostly in Bahasa Indonesia)."""
    english = sum(token in ENGLISH_MARKERS for token in tokens)
    indonesian = sum(token in INDONESIAN_MARKERS for token in tokens)
    return "en" if english > indonesian else "id"


@lru_cache(maxsize=1)
def _sastrawi():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1)
def _snowball():
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem_id(word: str) -> str:
    return _sastrawi().stem(word) or word


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    return _snowball().stemWord(word)


def stem(word: str, language: str) -> str:
    return stem_en(word) if language == "en" else stem_id(word)
