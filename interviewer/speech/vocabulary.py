"""The words speech to text is primed with, and the spelling fixes applied to what it heard.

Whisper mishears the jargon of an ML design interview ("PR-AUC" as "PRAUC", "REST" as "Rust").
Its decoder can be primed with text that precedes the audio (faster-whisper's `initial_prompt`),
which makes the terms in it, spelled as there, more likely. `prompt()` builds that text for one
interview: the problem's own jargon, a fixed list of ML design jargon, then the rubric's flag
terms, in that order of priority, cut to fit Whisper's prompt window (223 tokens, counted by a
conservative estimate, because faster-whisper silently drops the start of a longer prompt).

`correct()` then writes the vocabulary's terms the vocabulary's way when the transcript has the
same letters split or joined differently ("PRAUC", "P.R. AUC", "x g boost", "P 99", "two tower",
"A B test"). It only rewrites a run of letters that spell a term exactly, ignoring case, spaces,
dots, hyphens and slashes, so ordinary words are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric

MAX_TOKENS = 223  # Whisper's window for the previous text (n_text_ctx // 2 - 1)

# ML system design jargon, spelled the way it should land in the answer box. Written from the issue's
# list, the rubrics' flag terms and the problems' deep dives; most likely to be mangled first.
JARGON: tuple[str, ...] = (
    "NDCG", "PR-AUC", "ROC-AUC", "AUC", "XGBoost", "LightGBM", "embeddings", "two-tower", "p99", "p95",
    "A/B test", "uplift", "cold start", "CTR", "QPS", "MRR", "F1", "BERT", "FAISS", "HNSW", "word2vec",
    "softmax", "SHAP", "GBDT", "LSTM", "GNN", "REST API", "gRPC", "SQL", "Kafka", "Redis", "Cassandra",
    "log loss", "cross-entropy", "logistic regression", "feature store", "click-through rate",
    "candidate generation", "re-ranking", "listwise", "pairwise", "pointwise", "negative sampling",
    "cross-encoder", "distillation", "quantization", "calibration", "holdout", "data drift",
    "training-serving skew", "self-supervised", "contrastive", "transformer", "multi-armed bandit",
)

# A term in a problem's text that is spelled like jargon: two capitals (AUC, DLRM, iOS), a letter
# next to a digit (p99, L2), or letters around a slash (A/B).
_SHAPED = re.compile(r"(?<![\w/@-])(?:[A-Za-z]*[A-Z][a-z]*[A-Z][\w]*|[A-Za-z]+\d[\w]*|[A-Za-z]+/[A-Za-z]+)(?![\w/@-])")
# Acronyms of three letters or more that are also ordinary words: their letters, joined, are never
# rewritten ("rest" stays "rest", "bin" stays "bin" though the fraud problem names the card BIN).
ORDINARY = frozenset({"ann", "bin", "eta", "etas", "ids", "map", "rest", "face"})
_SEPARATOR = r"(?:[.\-/]\s*|\s+)?"  # what may stand between two letters of a term in a transcript


def key(term: str) -> str:
    """A term's letters and digits in lower case: 'PR-AUC', 'PR AUC' and 'prauc' share one key."""
    return re.sub(r"[\W_]+", "", term.lower())


def estimate_tokens(text: str) -> int:
    """A ceiling on Whisper's token count for `text`: jargon splits into short pieces (about 2.8
    characters a token in our prompts; the bundled problems' prompts are checked against the real
    tokenizer in tests/test_speech.py)."""
    return -(-len(text) * 2 // 5)


def _unique(terms: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for term in terms:
        k = key(term)
        if k and k not in seen:
            seen.add(k)
            out.append(term)
    return out


def problem_terms(problem: Problem) -> list[str]:
    """Jargon-shaped words of the problem's text (statement, challenge, deep dives, facts, reference)."""
    texts = [problem.statement, problem.core_challenge, *problem.deep_dives,
             *(f.fact for f in problem.hidden_facts), *problem.reference.values()]
    return _unique(m.group(0) for text in texts for m in _SHAPED.finditer(text))


def rubric_terms(rubric: Rubric) -> list[str]:
    """The rubric's flag terms that name a thing, spelled as the jargon list spells them: stems
    ('normaliz*') and single ordinary words are left out, as Whisper writes those right unprimed."""
    canonical = {key(t): t for t in JARGON}
    out = []
    for phase in rubric.phases:
        for _kind, flag in phase.flags:
            for term in flag.terms:
                if "*" in term or not key(term):
                    continue
                if key(term) in canonical:
                    out.append(canonical[key(term)])
                elif " " in term or "-" in term or "/" in term or any(c.isdigit() for c in term):
                    out.append(term)
    return _unique(out)


def terms_for(problem: Problem | None = None, rubric: Rubric | None = None) -> list[str]:
    """Every term to prime with, most important first (the problem's, the fixed list, the rubric's)."""
    return _unique([*(problem_terms(problem) if problem else []), *JARGON, *(rubric_terms(rubric) if rubric else [])])


def prompt(problem: Problem | None = None, rubric: Rubric | None = None, max_tokens: int = MAX_TOKENS) -> str:
    """The decoder's prompt for one interview: a line of context and as many terms as fit."""
    head = f"An ML system design interview: {problem.title}." if problem else "An ML system design interview."
    text = f"{head} Terms:"
    for term in terms_for(problem, rubric):
        longer = f"{text} {term}," if text.endswith(",") or text.endswith(":") else text
        if estimate_tokens(longer) > max_tokens:
            break
        text = longer
    return text.rstrip(",") + "."


def prompt_terms(text: str) -> list[str]:
    """The terms a prompt made by `prompt()` lists (what `correct()` spells)."""
    _, _, listed = text.partition(" Terms:")
    return [t.strip() for t in listed.rstrip(".").split(",") if t.strip()]


def _pattern(term: str) -> re.Pattern[str] | None:
    """Letters of `term` with any separator between them, as a whole word (a plural 's' may follow);
    None for a term of one or two letters ('A/B', 'US'), whose letters apart are too often other words."""
    chars = [c for c in term.lower() if c.isalnum()]
    if len(chars) < 3:
        return None
    body = _SEPARATOR.join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![\w/@-]){body}(?=(?:s|es|'s)?(?![\w-]))", re.IGNORECASE)


def shaped(term: str) -> bool:
    """A term whose spelling carries information beyond its lower-case words: capitals, digits,
    hyphens, slashes ('PR-AUC', 'p99', 'two-tower'); 'cold start' is not."""
    return term != term.lower() or any(not c.isalpha() and not c.isspace() for c in term)


def correct(text: str, terms: Iterable[str] = JARGON) -> str:
    """`text` with each shaped term written as in `terms` wherever its letters appear split,
    joined or cased differently ('PRAUC' -> 'PR-AUC', 'x g boost' -> 'XGBoost'). Longer terms
    first, so 'PR-AUC' wins over 'AUC'."""
    for term in sorted(_unique(t for t in terms if shaped(t)), key=lambda t: -len(key(t))):
        pattern = _pattern(term)
        if pattern is None:
            continue
        text = pattern.sub(partial(_spell, term), text)
    return text


def _spell(term: str, match: re.Match[str]) -> str:
    """`term` for a match of its letters, except an ordinary word's own spelling ('us' for 'US')."""
    if key(term) in ORDINARY and key(match.group(0)) == match.group(0).lower():
        return match.group(0)
    return term
