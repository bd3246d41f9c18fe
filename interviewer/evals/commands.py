"""The `interviewer eval` and `interviewer calibrate` commands: measure the grader and the interviewer."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interviewer.content.rubric import LEVELS
from interviewer.grading.grader import ProbeMemo
from interviewer.grading.writeup import InputError
from interviewer.llm.backend import stderr_progress
from interviewer.llm.flags import add_backend_flags, settings_from


def cmd_eval(args: argparse.Namespace) -> int:
    from interviewer.evals.report import compare_reports, write_report
    from interviewer.evals.run import SUITES, EvalOptions, run_suite
    from interviewer.evals.writeups import EVAL_DIR

    if args.compare:
        text, regressions = compare_reports(Path(args.compare[0]), Path(args.compare[1]))
        sys.stdout.write(text)
        return 1 if regressions and args.fail_on_regression else 0
    suites = args.suite or ([] if args.report_only else ["writeups"])
    unknown = [x for x in suites if x not in SUITES]
    if unknown:
        raise InputError(f"unknown eval suite '{unknown[0]}'; available: {', '.join(SUITES)}")
    if args.runs < 1 or args.concurrency < 1:
        raise InputError("--runs and --concurrency must be at least 1")
    if suites and not EVAL_DIR.is_dir():
        raise InputError(f"no eval data at {EVAL_DIR}: run from the repository's root, or set INTERVIEWER_EVALS_DIR")
    out_dir = Path(args.out or EVAL_DIR / "results")
    settings = settings_from(args)
    if suites:
        from interviewer.llm.backend import open_backend

        opts = EvalOptions(strategy=settings.grader_strategy, level=args.level, runs=args.runs,
                           concurrency=args.concurrency, only=args.only, focused=args.focused,
                           command="interviewer eval " + " ".join(_argv_for_record(args)),
                           extra={k: v for k, v in (("frameworks", args.frameworks), ("sets", args.sets)) if v},
                           memo=ProbeMemo.load(args.memo) if args.memo else None)
        backend = open_backend(settings)
        try:
            for name in suites:
                doc = run_suite(name, backend.llm, opts, out_dir, stderr_progress)
                stderr_progress(f"{name}: {json.dumps(doc['summary'], default=str)[:300]}")
        finally:
            backend.close()
            if opts.memo is not None and args.memo:
                opts.memo.save(args.memo)
    report = write_report(out_dir)
    stderr_progress(f"report written to {report}")
    sys.stdout.write(report.read_text(encoding="utf-8"))
    return 0


def _argv_for_record(args: argparse.Namespace) -> list[str]:
    """The eval's own options, for the report (never keys: backend flags are left out)."""
    out = list(args.suite)
    for flag in ("runs", "concurrency", "grader_strategy", "level", "out"):
        name = "strategy" if flag == "grader_strategy" else flag
        out += [f"--{name}", str(getattr(args, flag))] if getattr(args, flag, None) is not None else []
    if args.only:
        out += ["--only", *args.only]
    if getattr(args, "frameworks", None):
        out += ["--frameworks", *args.frameworks]
    if getattr(args, "sets", None):
        out += ["--sets", *args.sets]
    if args.focused:
        out.append("--focused")
    return out


def cmd_calibrate(args: argparse.Namespace) -> int:
    from interviewer.evals.calibrate import fit_suite, save
    from interviewer.grading.calibration import CALIBRATION_DIR

    cal = fit_suite(args.suite_file, args.family)
    path = save(cal, args.out or Path(str(CALIBRATION_DIR)) / f"{args.family}.yaml")
    print(f"wrote {path}: green met >= {cal.green.met}, partial >= {cal.green.partial}, "
          f"red raised >= {cal.red.raised}; held out: {json.dumps(cal.held_out)}")
    return 0


def add_commands(sub: Any) -> None:
    ev = sub.add_parser("eval", help="measure the interviewer and the grader; write a report with plots")
    ev.add_argument("suite", nargs="*",
                    help="writeups, variants, transcripts, personas, interviews (default: writeups)")
    ev.add_argument("--runs", type=int, default=1, help="repeat each item (rerun flip rate)")
    ev.add_argument("--concurrency", type=int, default=1, help="transcripts/personas run at once")
    ev.add_argument("--level", choices=LEVELS, default="senior")
    ev.add_argument("--only", nargs="*", help="names (label, variant base, transcript or persona ids) to run")
    ev.add_argument("--frameworks", nargs="*", help="interviews: only these labeled frameworks (default: all)")
    ev.add_argument("--sets", nargs="*", help="interviews: only these sets (tuned, heldout, heldout2, heldout3, "
                    "heldout4, heldout5; default: all)")
    ev.add_argument("--focused", action="store_true",
                    help="variants: grade only the phases an edit can change (cheaper on a small CPU model)")
    ev.add_argument("--out", type=Path, help="results directory (default: evals/results)")
    ev.add_argument("--memo", type=Path, help=(
        "grading suites: keep the model's P(yes) answers in this file and reuse them, so a re-run "
        "after a change to the verdict rules asks the model only prompts it has not seen"))
    ev.add_argument("--report-only", action="store_true", help="rebuild the report from the suite files in --out")
    ev.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two reports (dirs or report.json)")
    ev.add_argument("--fail-on-regression", action="store_true", help="with --compare: exit 1 on any regression")
    add_backend_flags(ev)
    ev.set_defaults(func=cmd_eval)

    cal = sub.add_parser("calibrate", help="fit the grader's thresholds on a writeups eval (held-out report)")
    cal.add_argument("suite_file", type=Path, help="a writeups.json written by `interviewer eval writeups`")
    cal.add_argument("--family", required=True, help="model family the file is for, e.g. qwen2.5-coder-1.5b")
    cal.add_argument("--out", type=Path, help="where to write the YAML (default: the shipped calibration dir)")
    cal.set_defaults(func=cmd_calibrate)
