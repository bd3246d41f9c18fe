"""The `interviewer` command: list content, grade write-ups, chat, serve the app."""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from interviewer.app.history_cli import add_command as add_history_command
from interviewer.app.options import add_content_flags, add_store_flags, catalog_of, interview_context
from interviewer.app.speech_cli import add_command as add_speech_command
from interviewer.content.files import DataFileError
from interviewer.content.rubric import LEVELS
from interviewer.evals.commands import add_commands as add_eval_commands
from interviewer.grading.writeup import InputError
from interviewer.interview.sessions import SessionError
from interviewer.llm.backend import stderr_progress
from interviewer.llm.client import LLMError
from interviewer.llm.embedded import ModelError
from interviewer.llm.flags import add_backend_flags, settings_from
from interviewer.speech import SpeechError
from interviewer.speech.vocabulary import prompt
from interviewer.storage import StoreError


def cmd_problems(args: argparse.Namespace) -> int:

    for p in catalog_of(settings_from(args)).problems.values():
        print(f"{p.id:28} {p.domain:28} {p.title}")
    return 0


def cmd_rubrics(args: argparse.Namespace) -> int:

    for r in catalog_of(settings_from(args)).rubrics.values():
        phases = ", ".join(f"{ph.id} ({ph.budget.target_minutes:g}m)" for ph in r.phases)
        print(f"{r.id:20} {r.title}\n{'':20} {phases}")
    return 0


def ui_secret(home: Path) -> str:
    """A stable key for the browser's stored session id, so it survives an app restart."""
    path = home / "ui-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def cmd_serve(args: argparse.Namespace) -> int:
    from interviewer.app.page import build_app
    from interviewer.app.ui import UI
    from interviewer.app.views import CSS
    from interviewer.app.voice_ui import VoiceUI
    from interviewer.interview.sessions import Sessions
    from interviewer.llm.backend import open_backend

    settings = settings_from(args)
    try:
        auth = settings.auth_pair
    except ValueError as exc:
        raise InputError(f"--auth / INTERVIEWER_AUTH: {exc}") from exc
    if args.host not in ("127.0.0.1", "localhost") and auth is None:
        stderr_progress(f"warning: serving on {args.host} without --auth; anyone who can reach it can use it")
    backend = open_backend(settings)
    try:
        sessions = Sessions(interview_context(settings, backend.llm, catalog_of(settings)),
                            db_path=settings.resolved_store)
        app = build_app(UI(sessions, backend.llm), secret=ui_secret(settings.home),
                        voice=VoiceUI(settings, backend.llm))
        stderr_progress(f"app on http://{args.host}:{args.port}")
        app.queue(default_concurrency_limit=settings.parallel if settings.embedded else 8).launch(
            server_name=args.host, server_port=args.port, share=False, show_error=True, auth=auth, css=CSS,
        )
    finally:
        backend.close()
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from interviewer.grading.grader import Grader
    from interviewer.grading.writeup import read_text, writeup_card
    from interviewer.llm.backend import Backend, open_backend
    from interviewer.practice.history import History

    name = "standard input" if args.file == "-" else args.file
    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {args.file}: {exc.strerror}") from exc
    text = read_text(data, name)
    settings = settings_from(args)
    catalog = catalog_of(settings)
    rubric = catalog.rubric(args.framework)
    problem = catalog.problem(args.problem) if args.problem else None
    opened: list[Backend] = []

    def progress(done: int, total: int, msg: str) -> None:
        stderr_progress(f"[{done}/{total}] {msg}")

    def grader() -> Grader:  # the model starts only for text worth grading
        opened.append(open_backend(settings))
        made = Grader(opened[0].llm, rubric, problem, strategy=settings.grader_strategy, progress=progress)
        stderr_progress(f"grading {name} ({len(text):,} chars) with {made.llm.model}, {made.strategy} strategy ...")
        return made

    try:
        card = writeup_card(text, rubric, problem, args.level, grader)
    finally:
        for backend in opened:
            backend.close()
    rec = History(settings.resolved_store).add_writeup(text, card)
    stderr_progress(f"saved in History as {rec.id} (interviewer history show {rec.id})")
    out = card.to_json() if args.format == "json" else card.to_markdown()
    if args.out:
        Path(args.out).write_text(out, encoding="utf-8")
        stderr_progress(f"scorecard written to {args.out}")
    else:
        sys.stdout.write(out)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from interviewer.interview.sessions import Sessions
    from interviewer.llm.backend import open_backend

    settings = settings_from(args)
    voice = None
    if args.voice:
        from interviewer.app.terminal_voice import TerminalVoice

        voice = TerminalVoice(settings)  # a one-line reason before anything starts when it cannot work
    backend = open_backend(settings)
    out = sys.stdout
    try:
        sessions = Sessions(interview_context(settings, backend.llm, catalog_of(settings)),
                            db_path=settings.resolved_store)
        if args.resume:
            sid = args.resume
            view = sessions.load(sid)
            for turn in view.transcript:
                out.write(f"{'interviewer' if turn['role'] == 'interviewer' else 'you'}> {turn['text']}\n")
        else:
            problem, drill = args.problem, args.drill or ""
            if drill == "weakest":  # the Progress tab's "Drill my weakest phase"
                from interviewer.practice.progress import drill_problem, progress

                records = sessions.history.list()
                phases = [p.id for p in sessions.context.catalog.rubric(args.framework).phases]
                drill = progress(records, args.level, sessions.context.catalog).weakest(phases)
                problem = problem or drill_problem(records, sessions.context.catalog)
            sid, opening = sessions.start(problem, args.level, args.framework, drill=drill, hints=args.hints)
            out.write("interviewer> ")
            for delta in opening:
                out.write(delta)
                out.flush()
            out.write("\n")
        out.write(f"(session {sid}; resume with --resume {sid}; commands: /next /end /retry /hint)\n")
        while not sessions.load(sid).done:
            view = sessions.load(sid)
            out.write(f"[{view.phase_title} {view.phase_index + 1}/{view.phase_count} · "
                      f"{view.phase_elapsed_min:.1f} of {view.phase_budget_min:g} min · "
                      f"total {view.elapsed_min:.1f}/{view.total_minutes:g} min]\n")
            out.flush()
            line = sys.stdin.readline()
            if not line:
                line = "/end"
            text = line.strip()
            if not text and voice is not None:  # Enter alone: speak the answer
                try:
                    text = voice.listen(sys.stdin, out, prompt(sessions.context.catalog.problem(view.problem_id),
                                                               view.rubric))
                except SpeechError as exc:  # a failed recording never ends the interview
                    out.write(f"[voice] {exc}; type your answer, or press Enter to record again\n")
                    continue
                out.write(f"you (spoken)> {text}\n" if text else "[no speech heard; try again]\n")
            if not text:
                continue
            if not sys.stdin.isatty():  # echo piped answers so the transcript reads as a dialogue
                out.write(f"you> {text}\n")
            try:
                if text == "/end":
                    break
                if text == "/hint":
                    out.write(f"interviewer> {sessions.hint(sid)}\n")
                    continue
                stream = (sessions.next_phase(sid) if text == "/next" else
                          sessions.retry(sid) if text == "/retry" else sessions.send(sid, text))
                out.write("interviewer> ")
                reply = ""
                for delta in stream:
                    out.write(delta)
                    out.flush()
                    reply += delta
                out.write("\n")
                if voice is not None and reply:
                    voice.say(reply)
            except (SessionError, LLMError) as exc:
                out.write(f"\n[error] {exc}. Your answer is saved; type /retry to try the turn again.\n")
        card = sessions.load(sid).scorecard or sessions.end(sid)
        out.write("\n" + card.to_markdown())
        if args.scorecard_out:
            Path(args.scorecard_out).write_text(card.to_json(), encoding="utf-8")
    finally:
        backend.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description=__doc__)
    add_content_flags(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("problems", help="list the problem bank").set_defaults(func=cmd_problems)
    sub.add_parser("rubrics", help="list the frameworks").set_defaults(func=cmd_rubrics)

    grade = sub.add_parser("grade", help="grade a design write-up against the rubric")
    grade.add_argument("file", help="a .md or .txt file, or - for standard input")
    grade.add_argument("--problem", help="problem id the write-up answers (see `interviewer problems`)")
    grade.add_argument("--level", choices=LEVELS, default="senior")
    grade.add_argument("--framework", default="default", help="rubric id (see `interviewer rubrics`)")
    grade.add_argument("--format", choices=["md", "json"], default="md")
    grade.add_argument("--out", help="write the scorecard here instead of standard output")
    add_store_flags(grade)
    add_backend_flags(grade)
    grade.set_defaults(func=cmd_grade)

    chat = sub.add_parser("chat", help="a full interview in the terminal")
    chat.add_argument("--problem", help="problem id (default: random)")
    chat.add_argument("--level", choices=LEVELS, default="senior")
    chat.add_argument("--framework", default="default")
    chat.add_argument("--resume", metavar="SESSION_ID", help="continue a saved session")
    chat.add_argument("--drill", metavar="PHASE", help="a one-phase drill: a phase id, or 'weakest' (from History)")
    chat.add_argument("--hints", action="store_true", help="allow /hint (counted on the scorecard)")
    chat.add_argument("--voice", action="store_true", help="Enter alone records a spoken answer; replies are "
                                                          "read aloud (offline; needs arecord and aplay)")
    add_store_flags(chat)
    chat.add_argument("--scorecard-out", type=Path, help="also write the scorecard JSON here")
    add_backend_flags(chat)
    chat.set_defaults(func=cmd_chat)

    add_eval_commands(sub)
    add_history_command(sub)
    add_speech_command(sub)

    serve = sub.add_parser("serve", help="start the Gradio app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--auth", help="user:password required to use the app (env INTERVIEWER_AUTH)")
    add_store_flags(serve)
    add_backend_flags(serve)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args: Any = build_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the embedded server is stopped by the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return int(args.func(args))
    except (DataFileError, ModelError, LLMError, InputError, SessionError, StoreError, KeyError,
            FileNotFoundError, SpeechError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
