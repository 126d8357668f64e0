"""Colleagues' names taken out of comments before anyone reads them.

`NameIndex` is built from the people directory (first and last names) and replaces every
mention of a person with `PLACEHOLDER`:

- a name part as written, in an old or variant spelling ("Soeharto", "Achmad", "Fatimah" for
  "Suharto", "Ahmad", "Fatima": `spelling_key`), or one or two letters off (a typo: edit
  distance 1 from five letters, 2 from nine, same first letter);
- the usual Indonesian short forms: the last two syllables ("Anto", "Yanto" for "Suryanto",
  "Wati" for "Rahmawati"), the first two ("Rahma"), the last syllable doubled ("Wawan" for
  "Kurniawan");
- with the honorific before it ("Pak Budi", "Bu Sri", "mas Anto", "Mbak Yuni", "Kak Dinda"),
  which goes with the name, and after an honorific also any capitalised word that is neither
  an everyday word nor in the dictionary, in case the person is not (or no longer) in the
  directory ("Pak Joko").

False positives, and the rule for them. Many names are also words. Three tiers:

1. *Everyday words* (`EVERYDAY_WORDS`: the lexicon, the slang table, the themes' keywords and a
   curated list such as "indah", "bagus", "adil", "kasih", "putri") are taken out only after an
   honorific or beside another part of the same person's name ("Bu Indah", "Indah Lestari"),
   never on their own: "ruangannya indah" and "pelayanan bagus" keep their meaning.
2. *Dictionary words* (Sastrawi's 30,000 Indonesian root words and the words formed from them,
   and common English words) are taken out when capitalised ("Budi", "Wahyu", "Sri") and match a
   name or short form exactly, or after an honorific in any case ("pak budi"); never by a typo.
3. *Any other word* is taken out when it matches a name, a short form or, one or two letters
   off, a misspelling of one.

The labelled comments (315) pass through a directory of 5,000 generated Indonesian names
unchanged (tests/feedback/test_redaction.py).
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from feedback import defaults, lexicon, text

PLACEHOLDER = "[nama]"
HONORIFICS = frozenset(
    [
        "pak",
        "bapak",
        "bu",
        "ibu",
        "mas",
        "mbak",
        "mba",
        "bang",
        "abang",
        "kak",
        "kakak",
        "dik",
        "adik",
        "om",
        "tante",
        "bung",
        "neng",
        "teh",
        "aa",
        "uda",
        "uni",
        "cak",
        "ning",
        "ko",
        "koh",
        "ci",
        "cik",
        "mr",
        "mrs",
        "ms",
        "miss",
        "sir",
        "madam",
    ]
)
# Everyday words (both languages) that a name may also be. Built from the lexicon, the slang
# table, the shipped themes and the list below of words people write in comments.
_EVERYDAY = (
    # words people do write in comments that are also names (a name that is rarely meant as a
    # word, such as Budi, Sri, Lestari or Agung, is not here: it is always taken out)
    "indah bunga putri putra bagus adil kasih sabar ikhlas selamat sehat setia tulus jujur harapan cinta "
    "sayang mulia suci murni bakti bukti cahaya bintang emas berlian permata "
    "lima enam tujuh delapan sembilan sepuluh satu dua tiga empat nya lah kah pun dong sih deh kok yah nih "
    "saya kami kita anda mereka dia ini itu yang dan atau dengan untuk dari pada dalam oleh kepada bagi "
    "sudah belum masih akan sedang bisa dapat harus perlu mohon tolong terima ada tidak bukan juga saja lagi "
    "petugas pegawai karyawan pelayanan layanan kantor loket unit bagian kepala staf tim rekan atasan pimpinan "
    "hari minggu bulan tahun pagi siang sore malam jam waktu kali sekali terus semua banyak sedikit baru lama "
    "orang warga masyarakat pelanggan bapak ibu anak keluarga teman kawan rumah jalan kota desa "
    "the and for with from that this they them their there here have has had was were are not very "
    "staff service office team manager work time day week month year people customer counter queue "
    "good great nice bad poor fine well best better kind grace faith hope joy rose lily may june april"
)


def _vocabulary() -> frozenset[str]:
    words: set[str] = set(_EVERYDAY.split())
    words.update(lexicon.SENTIMENT_ID, lexicon.SENTIMENT_EN, lexicon.INTENSIFIERS, lexicon.NEGATORS)
    words.update(lexicon.REQUEST_MARKERS, lexicon.COMPARATIVES, text.INDONESIAN_MARKERS, text.ENGLISH_MARKERS)
    for short, written in text.SLANG.items():
        words.add(short)
        words.update(written.split())
    for theme in defaults.THEMES:
        for keywords in theme[5:7]:
            words.update(re.findall(r"[a-z]+", keywords.lower()))
    return frozenset(words)


EVERYDAY_WORDS = _vocabulary()


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words (about 30,000), and common English words."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words()) | ENGLISH_COMMON


@lru_cache(maxsize=100_000)
def is_dictionary_word(word: str) -> bool:
    """A root word, or a word formed from one ("pelayanannya", "opened")."""
    dictionary = _dictionary()
    if word in dictionary:
        return True
    stem = text.stem_id(word)
    if stem != word and stem in dictionary:
        return True
    english = text.stem_en(word)
    return english != word and (english in dictionary or word.rstrip("sd") in dictionary)


# Common English words (with the lexicon's and the themes' ones, in EVERYDAY_WORDS when they
# are not names): none of them is taken for a name unless capitalised.
ENGLISH_COMMON = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "almost",
        "also",
        "always",
        "among",
        "another",
        "any",
        "anyone",
        "anything",
        "around",
        "ask",
        "asked",
        "away",
        "back",
        "because",
        "become",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "bring",
        "call",
        "came",
        "can",
        "come",
        "could",
        "day",
        "days",
        "did",
        "different",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "early",
        "either",
        "else",
        "end",
        "enough",
        "even",
        "ever",
        "every",
        "everyone",
        "everything",
        "example",
        "far",
        "feel",
        "few",
        "find",
        "first",
        "follow",
        "found",
        "four",
        "from",
        "full",
        "get",
        "give",
        "given",
        "go",
        "going",
        "gone",
        "got",
        "group",
        "had",
        "half",
        "hand",
        "happen",
        "has",
        "have",
        "having",
        "head",
        "help",
        "her",
        "here",
        "high",
        "him",
        "his",
        "home",
        "how",
        "however",
        "just",
        "keep",
        "kept",
        "kind",
        "know",
        "last",
        "later",
        "least",
        "leave",
        "left",
        "less",
        "let",
        "life",
        "line",
        "little",
        "live",
        "long",
        "look",
        "made",
        "make",
        "many",
        "may",
        "maybe",
        "me",
        "mean",
        "might",
        "mind",
        "more",
        "most",
        "much",
        "must",
        "my",
        "name",
        "near",
        "need",
        "never",
        "new",
        "next",
        "night",
        "nobody",
        "none",
        "nothing",
        "now",
        "number",
        "of",
        "off",
        "often",
        "old",
        "once",
        "one",
        "only",
        "open",
        "opened",
        "or",
        "other",
        "others",
        "our",
        "out",
        "over",
        "own",
        "part",
        "people",
        "place",
        "point",
        "put",
        "rather",
        "really",
        "right",
        "room",
        "said",
        "same",
        "saw",
        "say",
        "see",
        "seem",
        "seen",
        "set",
        "several",
        "she",
        "should",
        "show",
        "side",
        "since",
        "small",
        "some",
        "someone",
        "something",
        "sometimes",
        "soon",
        "start",
        "still",
        "such",
        "sure",
        "take",
        "taken",
        "tell",
        "than",
        "that",
        "then",
        "there",
        "these",
        "thing",
        "things",
        "think",
        "those",
        "though",
        "three",
        "through",
        "till",
        "to",
        "today",
        "together",
        "told",
        "too",
        "took",
        "try",
        "trying",
        "turn",
        "twice",
        "two",
        "under",
        "unit",
        "units",
        "until",
        "up",
        "upon",
        "us",
        "use",
        "used",
        "very",
        "want",
        "wanted",
        "way",
        "week",
        "well",
        "went",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whole",
        "why",
        "will",
        "with",
        "within",
        "without",
        "word",
        "work",
        "would",
        "write",
        "year",
        "yes",
        "yet",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPELLING = [
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("ch", "h"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("y", "i"),
]
_VOWELS = set("aeiou")


def _plain(word: str) -> str:
    """Lower case without accents ("Dédé" → "dede")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(character for character in decomposed if character.isalpha() and character.isascii())


def spelling_key(word: str) -> str:
    """One form for the spellings of a name: old Indonesian spelling (oe, dj, tj), ch/kh/h,
    y/i, doubled letters and a final h ("Soeharto", "Suharto"; "Fatimah", "Fatima")."""
    key = _plain(word)
    for old, new in _SPELLING:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key[:-1] if len(key) > 3 and key.endswith("h") else key


def short_forms(name: str) -> set[str]:
    """The short forms Indonesians make of a name part (see the module's docstring): endings
    and beginnings of four to six letters that start or end on a syllable's edge, and the last
    syllable doubled."""
    word = _plain(name)
    if len(word) < 5:
        return set()
    forms: set[str] = set()
    for start in range(1, len(word) - 3):
        consonant_vowel = word[start] not in _VOWELS and word[start + 1] in _VOWELS
        after_consonant = word[start] in _VOWELS and word[start - 1] not in _VOWELS
        if (consonant_vowel or after_consonant) and 4 <= len(word) - start <= 6:
            forms.add(word[start:])
    for end in range(4, min(len(word), 7)):
        if word[end - 1] in _VOWELS and word[end] not in _VOWELS:
            forms.add(word[:end])
    last = re.search(r"[^aeiou]?[aeiou]+[^aeiou]*$", word)
    if last and len(last.group(0)) >= 2:
        syllable = last.group(0)
        opening = re.match(r"[^aeiou]?[aeiou]", syllable)
        forms.add(opening.group(0) + syllable)
    return {form for form in forms if len(form) >= 4 and form != word and form not in HONORIFICS}


class NameIndex:
    """Built once from (first name, last name) pairs; `redact(text)` replaces every name in it."""

    def __init__(self, people: Iterable[tuple[str, str]]):
        parts: set[str] = set()
        self._people: list[tuple[str, ...]] = []
        for first, last in people:
            person = tuple(
                part for part in (_plain(p) for p in f"{first or ''} {last or ''}".split()) if len(part) >= 2
            )
            if person:
                self._people.append(person)
                parts.update(person)
        self.parts = frozenset(parts)
        self.everyday_parts = frozenset(part for part in parts if part in EVERYDAY_WORDS)
        forms: set[str] = set()
        for part in parts - self.everyday_parts:
            forms.add(spelling_key(part))
            forms.update(spelling_key(form) for form in short_forms(part) if form not in EVERYDAY_WORDS)
        self.keys = frozenset(forms)
        self._everyday_keys = frozenset(spelling_key(part) for part in self.everyday_parts)
        self._by_letter: dict[str, list[str]] = {}
        for key in self.keys:
            self._by_letter.setdefault(key[:1], []).append(key)
        self._cache: dict[tuple[str, bool], bool] = {}
        self._partners = {part: set() for part in parts}
        for person in self._people:
            for part in person:
                self._partners[part].update(other for other in person if other != part)

    def _is_name(self, word: str) -> bool:
        """Whether a word on its own is someone's name. An everyday word never is; a word of
        the dictionary ("budi", "wahyu", "kurnia") is when capitalised and a name as written or
        a short form of one; any other word also when a letter or two off a name."""
        plain = _plain(word)
        capitalised = word[:1].isupper()
        cached = self._cache.get((plain, capitalised))
        if cached is not None:
            return cached
        found = False
        if len(plain) >= 2 and plain not in EVERYDAY_WORDS:
            key = spelling_key(plain)
            if is_dictionary_word(plain):
                found = capitalised and key in self.keys
            elif key in self.keys:
                found = True
            elif len(key) >= 5 and (capitalised or len(key) >= 6):
                limit = 2 if len(key) >= 9 else 1
                candidates = self._by_letter.get(key[:1], ())
                found = (
                    bool(candidates)
                    and extractOne(key, candidates, scorer=OSA.distance, score_cutoff=limit) is not None
                )
        self._cache[(plain, capitalised)] = found
        return found

    def _is_name_after_honorific(self, word: str) -> bool:
        plain = _plain(word)
        key = spelling_key(plain)
        if self._is_name(word) or key in self.keys or key in self._everyday_keys or plain in self.everyday_parts:
            return True
        # someone not in the directory: a capitalised word that is not an everyday one
        return word[:1].isupper() and plain not in EVERYDAY_WORDS and len(plain) >= 2 and not is_dictionary_word(plain)

    def redact(self, value: str) -> str:
        if not value or (
            not self._people
            and PLACEHOLDER not in value
            and not any(w.lower() in HONORIFICS for w in _WORD.findall(value))
        ):
            return value or ""
        matches = list(_WORD.finditer(value))
        hide = [False] * len(matches)
        plain = [_plain(match.group(0)) for match in matches]
        for index, match in enumerate(matches):
            word = match.group(0)
            if self._is_name(word):
                hide[index] = True
            elif index > 0 and plain[index - 1] in HONORIFICS and self._is_name_after_honorific(word):
                hide[index] = hide[index - 1] = True
        # everyday-word names next to another part of the same person ("Indah Lestari")
        for index in range(len(matches)):
            if plain[index] in self.everyday_parts and not hide[index]:
                neighbours = {plain[i] for i in (index - 1, index + 1) if 0 <= i < len(matches)}
                if neighbours & self._partners.get(plain[index], set()):
                    hide[index] = True
        # the honorific before a hidden name goes with it
        for index in range(1, len(matches)):
            if hide[index] and plain[index - 1] in HONORIFICS:
                hide[index - 1] = True
        out, position, index = [], 0, 0
        while index < len(matches):
            if not hide[index]:
                index += 1
                continue
            end = index
            while (
                end + 1 < len(matches)
                and hide[end + 1]
                and value[matches[end].end() : matches[end + 1].start()].strip(" .") == ""
            ):
                end += 1
            out.append(value[position : matches[index].start()])
            out.append(PLACEHOLDER)
            position, index = matches[end].end(), end + 1
        out.append(value[position:])
        return "".join(out)
