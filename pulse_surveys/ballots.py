"""Sealed ballots: what a person answered, unreadable while the round is open.

A submission writes the person's `Participation` and a `Ballot` in one transaction, so that the
unique participation decides every race and nothing is lost or doubled. Anyone reading the
database sees that the two rows were written together (the same `xmin`, neighbouring places on
disk) — but the ballot is sealed: AES-256-GCM under a key the database does not hold (derived
from `PRIMA_BALLOT_KEY`, else from `SECRET_KEY`), with a fresh random nonce, and padded to one
length for every ballot of the round, so that neither its bytes nor its size say anything.
Closing the round opens every ballot in one transaction and writes the responses and answers in
random order (`services.round_results_materialise`); the ballots are deleted in that same
transaction. Until then no readable answer of the round exists anywhere in the database.

Layout of an opened ballot: a header (department id, 0 for none; number of answers), then per
answer its question id, value (−1 for a text) and the length of its text in UTF-8 bytes
followed by the text, then zero bytes up to the round's ballot size.
"""

import functools
import secrets
import struct
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pulse_surveys.models import TEXT_MAX_LENGTH, Question, QuestionKind

_HEADER = struct.Struct(">QH")  # department id (0: none), number of answers
_ANSWER = struct.Struct(">IhH")  # question id, value (−1: a text), bytes of text that follow
_TEXT_VALUE = -1
# UTF-8 spends at most four bytes on a character.
_TEXT_MAX_BYTES = 4 * TEXT_MAX_LENGTH
_NONCE_BYTES = 12
_KEY_INFO = b"prima pulse ballots v1"

Item = tuple[int, int | None, str]  # question id, value, text


def ballot_size(questions: Iterable[Question]) -> int:
    """Bytes of every opened ballot of a round asking `questions`: room for the longest answers."""
    questions = list(questions)
    texts = sum(1 for question in questions if question.kind == QuestionKind.TEXT)
    return _HEADER.size + len(questions) * _ANSWER.size + texts * _TEXT_MAX_BYTES


@functools.lru_cache(maxsize=16)
def _derive(secret: str) -> bytes:
    """The ballot key derived from `secret`, once per secret (a round's close opens every
    ballot with the same few keys)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(secret.encode())


@functools.lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def _keys() -> list[bytes]:
    """The sealing key first, then every key a ballot may have been sealed with before a key
    change (`SECRET_KEY_FALLBACKS`)."""
    candidates = [settings.PRIMA_BALLOT_KEY, settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys: list[bytes] = []
    for secret in candidates:
        if secret and (key := _derive(secret)) not in keys:
            keys.append(key)
    return keys


def _associated_data(round_id: int) -> bytes:
    # A ballot opens only for its own round: moved to another round it is refused.
    return b"round:%d" % round_id


def ballot_seal(*, round_id: int, size: int, department_id: int | None, items: list[Item]) -> bytes:
    """The sealed bytes of one submission: nonce, then the padded ballot encrypted and tagged."""
    parts = [_HEADER.pack(department_id or 0, len(items))]
    for question_id, value, text in items:
        encoded = text.encode() if value is None else b""
        parts.append(_ANSWER.pack(question_id, _TEXT_VALUE if value is None else value, len(encoded)))
        parts.append(encoded)
    plain = b"".join(parts)
    if len(plain) > size:
        raise ValueError("a ballot is larger than its round's ballot size")
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _cipher(_keys()[0]).encrypt(nonce, plain.ljust(size, b"\0"), _associated_data(round_id))
    return nonce + sealed


def ballot_open(sealed: bytes, *, round_id: int) -> tuple[int | None, list[Item]]:
    """The department and the answers of a sealed ballot of round `round_id`."""
    nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    for key in _keys():
        try:
            plain = _cipher(key).decrypt(nonce, body, _associated_data(round_id))
            break
        except InvalidTag:
            continue
    else:
        raise ImproperlyConfigured(
            "A sealed pulse ballot cannot be opened with the configured keys. If SECRET_KEY or "
            "PRIMA_BALLOT_KEY changed while a round was open, put the previous SECRET_KEY in "
            "SECRET_KEY_FALLBACKS (or restore PRIMA_BALLOT_KEY) until the round has closed."
        )
    department_id, count = _HEADER.unpack_from(plain)
    offset, items = _HEADER.size, []
    for _index in range(count):
        question_id, value, length = _ANSWER.unpack_from(plain, offset)
        offset += _ANSWER.size
        text = plain[offset : offset + length].decode()
        offset += length
        items.append((question_id, None, text) if value == _TEXT_VALUE else (question_id, value, ""))
    return department_id or None, items
