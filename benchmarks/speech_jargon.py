"""Speech to text on jargon-heavy answers (benchmarks/speech_jargon.yaml), unprimed and primed.

Each answer is spoken by the pinned Piper voice (no sampling noise, so the audio is the same on every
run), as one recording, and transcribed by the app's Whisper base once per variant:
- unprimed: no prompt;
- default prompt: the one sentence `stt.VOCABULARY`, the app's prompt before this change and still
  the default when no interview is at hand (`interviewer speech transcribe`);
- jargon prompt: `vocabulary.prompt()`, the fixed ML jargon list alone (no problem, no rubric);
- interview prompt: `vocabulary.prompt(problem, default rubric)`, what the app now sends;
- interview hotwords: the same terms as faster-whisper `hotwords`, no prompt.
Transcripts are taken raw (`fix_spelling=False`) and each is also scored after
`vocabulary.correct()` with the same variant's terms (the fixed list for the first three) -- the
"+ correction" rows; the app applies the correction (interview prompt + correction).

Scores (normalisation: `interviewer.speech.wer.normalise` with the jargon list plus the answers'
terms, so 'PR AUC', 'PRAUC' and 'PR-AUC' are one word on both sides):
- WER: all errors over all reference words (corpus WER), and the median of the answers' WERs;
- terms heard: a term counts when its normalised words appear in the normalised transcript;
- terms as written: a term counts only when the transcript spells it as the reference does
  (case aside), which is what the grader's term matching and a reader see.
Used by benchmarks/speech.py; `python benchmarks/speech_jargon.py` prints the same table alone.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.content.catalog import get_problem, get_rubric  # noqa: E402
from interviewer.speech import vocabulary as vocab  # noqa: E402
from interviewer.speech.stt import VOCABULARY, Transcriber  # noqa: E402
from interviewer.speech.tts import Voice, wav_bytes  # noqa: E402
from interviewer.speech.wer import errors, normalise, wer  # noqa: E402

DATA = Path(__file__).resolve().parent / "speech_jargon.yaml"
VARIANTS = ("unprimed", "default prompt", "jargon prompt", "interview prompt", "interview hotwords")


@dataclass
class Answer:
    problem: str
    text: str
    terms: list[str]
    say: str | None = None
    heard: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def load() -> list[Answer]:
    return [Answer(**a) for a in yaml.safe_load(DATA.read_text())["answers"]]


def recording(voice: Voice, text: str) -> bytes:
    """The whole answer as one WAV, sentences joined by 0.3 s of silence, as a person records it."""
    gap = b"\0\0" * int(0.3 * voice.sample_rate)
    return wav_bytes(gap.join(voice.pcm(text)), voice.sample_rate)


def settings(variant: str, answer: Answer) -> tuple[str, str | None, list[str]]:
    """(initial prompt, hotwords, terms for the correction) of one variant for one answer."""
    interview = vocab.prompt(get_problem(answer.problem), get_rubric())
    if variant == "unprimed":
        return "", None, list(vocab.JARGON)
    if variant == "default prompt":
        return VOCABULARY, None, list(vocab.JARGON)
    if variant == "jargon prompt":
        return vocab.prompt(), None, list(vocab.JARGON)
    if variant == "interview prompt":
        return interview, None, vocab.prompt_terms(interview)
    return "", ", ".join(vocab.prompt_terms(interview)), vocab.prompt_terms(interview)


def primed_keys(variant: str, answer: Answer) -> set[str]:
    """Keys of the answer's terms the variant's prompt or hotwords spell out."""
    if variant == "unprimed":
        return set()
    if variant == "default prompt":
        return {vocab.key(t) for t in answer.terms if t.lower() in VOCABULARY.lower()}
    return {vocab.key(t) for t in settings(variant, answer)[2]}


def heard_as_written(term: str, text: str) -> bool:
    return re.search(rf"(?<![\w/-]){re.escape(term)}(?![\w/-]|-\w)", text, re.IGNORECASE) is not None \
        or re.search(rf"(?<![\w/-]){re.escape(term)}s\b", text, re.IGNORECASE) is not None


def heard_normalised(term: str, text: str, norm_terms: list[str]) -> bool:
    want, got = normalise(term, norm_terms), normalise(text, norm_terms)
    plural = [*want[:-1], want[-1] + "s"] if want else want
    return any(got[i:i + len(want)] in (want, plural) for i in range(len(got) - len(want) + 1))


def score(answers: list[Answer], variant: str, corrected: bool, norm_terms: list[str]) -> dict[str, Any]:
    wrong = words = 0
    wers, hits, written, in_vocab, in_vocab_hits, out_hits, out_n = [], 0, 0, 0, 0, 0, 0
    for a in answers:
        _, _, fix_terms = settings(variant, a)
        text = vocab.correct(a.heard[variant], fix_terms) if corrected else a.heard[variant]
        e, n = errors(a.text, text, norm_terms)
        wrong, words = wrong + e, words + n
        wers.append(wer(a.text, text, norm_terms))
        primed = primed_keys(variant, a)
        for term in a.terms:
            ok = heard_normalised(term, text, norm_terms)
            hits += ok
            written += heard_as_written(term, text)
            if vocab.key(term) in primed or vocab.key(term).rstrip("s") in primed:
                in_vocab, in_vocab_hits = in_vocab + 1, in_vocab_hits + ok
            else:
                out_n, out_hits = out_n + 1, out_hits + ok
    n_terms = sum(len(a.terms) for a in answers)
    return {"variant": variant + (" + correction" if corrected else ""),
            "wer_corpus": round(wrong / words, 3), "wer_median": round(statistics.median(wers), 3),
            "terms_heard": f"{hits}/{n_terms} ({hits / n_terms:.0%})",
            "terms_as_written": f"{written}/{n_terms} ({written / n_terms:.0%})",
            "primed_terms_heard": f"{in_vocab_hits}/{in_vocab}" if in_vocab else "-",
            "unprimed_terms_heard": f"{out_hits}/{out_n}" if out_n else "-",
            "compute_s_median": round(statistics.median(a.seconds[variant] for a in answers), 3)}


def run(voice: Voice, transcriber: Transcriber) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """(rows, summary, Markdown notes with every transcript)."""
    answers = load()
    norm_terms = sorted({*vocab.JARGON, *(t for a in answers for t in a.terms)})
    for a in answers:
        audio = recording(voice, a.say or a.text)
        for variant in VARIANTS:
            prompt, hotwords, _ = settings(variant, a)
            t = transcriber.transcribe(audio, vocabulary=prompt, hotwords=hotwords, fix_spelling=False)
            a.heard[variant], a.seconds[variant] = t.text, t.seconds_compute
    rows = [score(answers, v, c, norm_terms) for v in VARIANTS for c in (False, True)]
    by = {r["variant"]: r for r in rows}
    before, app = by["unprimed"], by["interview prompt + correction"]
    summary = {"jargon_answers": len(answers), "jargon_terms": sum(len(a.terms) for a in answers),
               "jargon_wer_unprimed": before["wer_corpus"], "jargon_wer_app": app["wer_corpus"],
               "jargon_terms_heard_unprimed": before["terms_heard"], "jargon_terms_heard_app": app["terms_heard"],
               "jargon_terms_as_written_unprimed": before["terms_as_written"],
               "jargon_terms_as_written_app": app["terms_as_written"], "target_terms_heard": "90%"}
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols),
             *("| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows), "",
             "Every transcript (raw, before the correction):", "",
             "| # | problem | said | " + " | ".join(VARIANTS) + " |", "|---|---|---|" + "---|" * len(VARIANTS)]
    for i, a in enumerate(answers, 1):
        lines.append(f"| {i} | {a.problem} | {a.text} | " + " | ".join(a.heard[v] for v in VARIANTS) + " |")
    return rows, summary, "\n".join(lines)


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="speech-jargon-") as home:
        rows, summary, notes = run(Voice(), Transcriber(home=home))
    print(notes)
    print(summary)


if __name__ == "__main__":
    main()
