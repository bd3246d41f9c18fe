"""Voice latency on CPU: how fast faster-whisper transcribes an answer, how soon Piper's first
sentence of a reply is ready, the round-trip word error rate of the five test answers, and
jargon-heavy answers heard unprimed and primed (benchmarks/speech_jargon.py).

Clips of 5, 15 and 30 s are Piper speech (whole sentences, concatenated, cut to length).
Targets: a 15 s answer transcribed in <= 3 s; first audio of a 2-sentence reply in <= 1.5 s.
Medians over --runs runs, after one warm-up. Nothing is downloaded (run it in `unshare -rn`
to prove it). Usage: python benchmarks/speech.py [--runs 3] [--beams 5 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import speech_jargon  # noqa: E402
from benchmarks.common import median, write  # noqa: E402
from interviewer.speech.stt import Transcriber  # noqa: E402
from interviewer.speech.tts import Voice, wav_bytes  # noqa: E402
from interviewer.speech.wer import ANSWERS, wer  # noqa: E402

T = TypeVar("T")
REPLY = "That baseline sounds reasonable. How would you measure whether the new ranking model actually helps users?"
MORE = [
    "We log every impression and click, and join them with the orders placed within one day.",
    "Labels come from purchases, which are sparse, so clicks serve as a weaker proxy label.",
    "An A/B test on five percent of traffic tells us whether revenue per session really moves.",
]


def clip(voice: Voice, seconds: float) -> bytes:
    """Whole Piper sentences with short pauses, repeated as needed and cut to `seconds`."""
    gap = b"\0\0" * int(0.3 * voice.sample_rate)
    pcm, need = b"", int(seconds * voice.sample_rate) * 2
    sentences = [*ANSWERS, *MORE]
    while len(pcm) < need:
        pcm += b"".join(chunk + gap for s in sentences for chunk in voice.pcm(s) if len(pcm) < need)
    return wav_bytes(pcm[:need], voice.sample_rate)


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--beams", type=int, nargs="+", default=[5, 1])
    args = ap.parse_args()
    load_avg = os.getloadavg()[0]
    home = Path(tempfile.mkdtemp(prefix="speech-bench-"))
    voice, voice_load_s = timed(Voice)
    _, assemble_s = timed(lambda: Transcriber(home=home, beam_size=args.beams[0]))  # assembles the chunks
    rows, transcribers = [], []
    for beam in args.beams:
        tr, stt_load_s = timed(partial(Transcriber, home=home, beam_size=beam))  # verifies the hashes
        tr.transcribe(clip(voice, 5))  # warm-up
        for seconds in (5, 15, 30):
            audio = clip(voice, seconds)
            runs = [tr.transcribe(audio) for _ in range(args.runs)]
            rows.append({"clip_s": seconds, "beam": beam, "audio_s": runs[0].seconds_audio,
                         "compute_s_median": median([r.seconds_compute for r in runs]),
                         "rtf_median": median([r.real_time_factor for r in runs]),
                         "compute_s_all": [round(r.seconds_compute, 2) for r in runs],
                         "text_start": runs[0].text[:40] + "..."})
        transcribers.append(tr)
    first, total = [], []
    next(voice.sentences(REPLY))  # warm-up
    for _ in range(args.runs):
        start = time.perf_counter()
        stream = voice.sentences(REPLY)
        next(stream)
        first.append(time.perf_counter() - start)
        list(stream)
        total.append(time.perf_counter() - start)
    wer_rows, default_tr = [], transcribers[0]
    noisy = Voice(noise_scale=None, noise_w_scale=None)  # the voice's own sampling noise

    def heard(v: Voice, answer: str) -> str:
        return " ".join(default_tr.transcribe(w).text for w in v.sentences(answer))

    for answer in ANSWERS:
        text = heard(voice, answer)
        noisy_wers = [wer(answer, heard(noisy, answer)) for _ in range(args.runs)]
        wer_rows.append((wer(answer, text), noisy_wers, answer, text))
    jargon_rows, jargon_summary, jargon_table = speech_jargon.run(voice, default_tr)
    fifteen = next(r for r in rows if r["clip_s"] == 15 and r["beam"] == args.beams[0])
    summary = {
        "stt_15s_compute_s": fifteen["compute_s_median"], "target_15s_s": 3.0,
        "tts_first_audio_s": median(first), "target_first_audio_s": 1.5,
        "max_wer": round(max(w for w, *_ in wer_rows), 3), **jargon_summary,
    }
    notes = "\n".join([
        f"Load average at start: {load_avg:.2f} on {os.cpu_count()} cores (another job was using the CPU).  ",
        f"Model load: Piper voice {voice_load_s:.2f} s (with SHA-256 check); Whisper base first time "
        f"{assemble_s:.2f} s (assembling 145 MB from the chunk packages + checks), later {stt_load_s:.2f} s.  ",
        "Whisper base, CTranslate2 int8, CPU, Silero VAD on, language en; compute includes decoding the WAV.",
        "",
        "## Time to first audio (2-sentence reply)", "",
        f"Reply: \"{REPLY}\"  ",
        f"First sentence's WAV ready: median {median(first):.3f} s (runs {[round(x, 3) for x in first]}); "
        f"whole reply: median {median(total):.3f} s.",
        "",
        "## Round-trip WER (Piper -> faster-whisper, normalisation in interviewer/speech/wer.py)", "",
        "Transcribed as `interviewer speech transcribe` does: primed with the default sentence "
        "(`stt.VOCABULARY`), spelling corrected to the jargon list.", "",
        "| WER (default: no sampling noise) | WER with the voice's own noise, per run | said | heard |",
        "|---|---|---|---|",
        *[f"| {w:.1%} | {', '.join(f'{x:.1%}' for x in nw)} (median {statistics.median(nw):.1%}) | {a} | {h} |"
          for w, nw, a, h in wer_rows],
        "",
        "## Jargon-heavy answers, unprimed and primed (issue 28, item 7)", "",
        f"{jargon_summary['jargon_answers']} answers with {jargon_summary['jargon_terms']} jargon terms "
        "(`benchmarks/speech_jargon.yaml`, written before any run), each spoken by the pinned Piper voice as one "
        "recording and transcribed once per variant (deterministic: beam search on noise-free audio). "
        "Variants and scores are described in `benchmarks/speech_jargon.py`. Normalisation, the same on both "
        "sides: `interviewer.speech.wer.normalise` (lower case; hyphens and apostrophes join; other punctuation "
        "dropped; 'p 99' -> 'p99'; thousands separators dropped) plus, for the jargon list and the answers' terms, "
        "neighbouring words that together spell a term are joined ('PR AUC', 'PRAUC', 'PR-AUC' -> 'prauc'; "
        "'AB test', 'A/B test' -> 'abtest'). *terms heard* counts a term found after that normalisation; *terms "
        "as written* only one spelled as in the reference (case aside). *primed/unprimed terms heard*: the "
        "answers' terms the variant's prompt does / does not list. compute_s: median seconds per answer.", "",
        "The app sends the interview prompt and applies the correction (the 'interview prompt + correction' row); "
        "with no interview (`interviewer speech transcribe`) the default prompt and the correction.", "",
        jargon_table,
        "",
        "## Transcription real-time factor",
    ])
    shutil.rmtree(home, ignore_errors=True)
    write("speech", rows, summary, notes, extra={"jargon_rows": jargon_rows})


if __name__ == "__main__":
    main()
