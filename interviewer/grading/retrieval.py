"""BM25 over the candidate's sentences: which sentences a flag's question is about.

No weights to download and deterministic: it picks the sentences a flag is asked about on a long
write-up, and the sentence a positive verdict cites when the backend gives no ids of its own.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from interviewer.grading.sentences import Sentence

K1, B = 1.2, 0.75
STOP = set(
    "a an the of to and or in on for with is are be by we our at as from per that this it its does do "
    "text such e.g which what how when there their them they than then so if not no any each also can "
    "will would should into about using use used say says said name names candidate candidates propose proposed "
    "approach against main more other give gives given explain explains describe describes".split()
)


def terms(text: str) -> list[str]:
    """Lower-cased word stems (a crude suffix strip is enough to match 'features' with 'feature')."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in STOP or len(w) < 2:
            continue
        for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)] + ("y" if suffix == "ies" else "")
                break
        out.append(w)
    return out


class BM25:
    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.docs = [Counter(terms(s.text)) for s in sentences]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: str) -> list[float]:
        q = Counter(terms(query))  # a word the question repeats ("baseline ... a baseline") weighs more
        out = []
        for d, length in zip(self.docs, self.lengths, strict=True):
            s = 0.0
            for t in q.keys() & d.keys():
                tf = d[t]
                s += q[t] * self.idf[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / (self.avg or 1.0)))
            out.append(s)
        return out

    def top(self, query: str, k: int, among: set[str] | None = None) -> list[Sentence]:
        """The k best-matching sentences with a positive score (optionally only among some ids)."""
        ranked = sorted(
            ((s, sent) for s, sent in zip(self.scores(query), self.sentences, strict=True)
             if s > 0 and (among is None or sent.sid in among)),
            key=lambda x: -x[0],
        )
        return [sent for _, sent in ranked[:k]]
