"""Exact and near-duplicate detection: normalised-text hash plus MinHash/LSH.

The app stores, per document, ``content_hash`` (hex) and the MinHash signature
(:func:`signature_to_bytes`), and rebuilds a :class:`DuplicateIndex` from them; a new
document is then linked to the stored one instead of being stored twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = [
    "NUM_PERM",
    "SHINGLE_WORDS",
    "DEFAULT_THRESHOLD",
    "normalize_for_hash",
    "content_hash",
    "minhash_signature",
    "signature_to_bytes",
    "signature_from_bytes",
    "jaccard",
    "DuplicateMatch",
    "DuplicateIndex",
]

NUM_PERM = 128
#: Word shingles of this length; 5 words ignore reordered boilerplate but catch edits.
SHINGLE_WORDS = 5
#: Estimated Jaccard similarity of shingle sets above which two texts are near-duplicates.
DEFAULT_THRESHOLD = 0.8
_SEED = 1  # fixed so signatures computed today compare with those stored last year
# datasketch 2.x's default permutation scheme, named explicitly: stored signatures only
# compare with signatures made with the same scheme and seed.
_SCHEME: Literal["affine32"] = "affine32"

_WORD = re.compile(r"[^\W_]+")


def normalize_for_hash(text: str) -> str:
    """NFKC, casefold, words only, single spaces: "It's  Kazakhstan’s!" -> "it s kazakhstan s"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal for texts differing only in layout."""
    return hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()


def _shingles(text: str) -> set[bytes]:
    words = normalize_for_hash(text).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    shingles = _shingles(text)
    if shingles:
        m.update_batch(list(shingles))
    return m


def minhash_signature(text: str) -> list[int]:
    """The MinHash signature of ``text`` as ``NUM_PERM`` unsigned integers."""
    return [int(v) for v in _minhash(text).hashvalues]


def signature_to_bytes(signature: Sequence[int]) -> bytes:
    """Pack a signature for a BinaryField (8 bytes per value, little endian)."""
    return np.asarray(signature, dtype="<u8").tobytes()


def signature_from_bytes(data: bytes) -> list[int]:
    """Inverse of :func:`signature_to_bytes`."""
    return [int(v) for v in np.frombuffer(data, dtype="<u8")]


def _as_minhash(signature: Sequence[int] | bytes) -> MinHash:
    values = signature_from_bytes(signature) if isinstance(signature, bytes) else signature
    if len(values) != NUM_PERM:
        raise ValueError(f"signature has {len(values)} values, expected {NUM_PERM}")
    return MinHash(
        num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashvalues=np.asarray(values, np.uint64)
    )


def jaccard(a: Sequence[int] | bytes, b: Sequence[int] | bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(_as_minhash(a).jaccard(_as_minhash(b)))


@lru_cache(maxsize=16)
def _lsh_params(threshold: float) -> tuple[int, int]:
    # datasketch finds the band/row split by numerical integration, which costs ~30 ms;
    # computed once per threshold. LSH is tuned a little below the threshold so borderline
    # pairs become candidates; the estimated Jaccard then decides.
    probe = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=NUM_PERM)
    return (probe.b, probe.r)


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """A stored document the new one duplicates: same normalised text, or similar enough."""

    id: str
    kind: Literal["exact", "near"]
    similarity: float


class DuplicateIndex:
    """In-memory index of stored documents' hashes and signatures.

    >>> index = DuplicateIndex()
    >>> text = "Kazakhstan proposes an expert alliance of middle powers to reform governance."
    >>> index.add("1", minhash_signature(text), content_hash(text))
    >>> index.find(minhash_signature(text), content_hash(text))[0].kind
    'exact'
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params(threshold))
        self._signatures: dict[str, MinHash] = {}
        self._by_hash: dict[str, list[str]] = {}

    @classmethod
    def build(
        cls,
        stored: Iterable[tuple[object, Sequence[int] | bytes, str | None]],
        threshold: float = DEFAULT_THRESHOLD,
    ) -> DuplicateIndex:
        """Build from ``(id, signature, content_hash)`` rows as the app stores them."""
        index = cls(threshold)
        for doc_id, signature, digest in stored:
            index.add(doc_id, signature, digest)
        return index

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, doc_id: object, signature: Sequence[int] | bytes, digest: str | None) -> None:
        """Register a stored document (ids are compared as strings)."""
        key = str(doc_id)
        if key in self._signatures:
            self.remove(key)
        m = _as_minhash(signature)
        self._signatures[key] = m
        self._lsh.insert(key, m)
        if digest:
            self._by_hash.setdefault(digest, []).append(key)

    def remove(self, doc_id: object) -> None:
        """Forget a document (deleted or re-ingested)."""
        key = str(doc_id)
        if key not in self._signatures:
            return
        self._lsh.remove(key)
        del self._signatures[key]
        for ids in self._by_hash.values():
            if key in ids:
                ids.remove(key)

    def find(
        self, signature: Sequence[int] | bytes, digest: str | None = None
    ) -> list[DuplicateMatch]:
        """Stored documents this one duplicates, exact matches first, then by similarity."""
        m = _as_minhash(signature)
        exact = list(self._by_hash.get(digest, [])) if digest else []
        matches = [DuplicateMatch(i, "exact", 1.0) for i in exact]
        for key in self._lsh.query(m):
            if key in exact:
                continue
            sim = float(m.jaccard(self._signatures[key]))
            if sim >= self.threshold:
                matches.append(DuplicateMatch(key, "near", sim))
        matches.sort(key=lambda d: (d.kind != "exact", -d.similarity, d.id))
        return matches
