"""The eval report: Markdown + PNG plots + JSON from the suite files in a results directory,
and a comparison of two reports that names every regression."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402

from interviewer.evals.run import SUITES  # noqa: E402
from interviewer.evals.variants import backfill_labels_order, summarize  # noqa: E402
from interviewer.evals.writeups import load_labels, summarize_writeups  # noqa: E402
from interviewer.grading.scorecard import Scorecard  # noqa: E402

LOWER_IS_BETTER = ("mae", "injection_success", "flip_rate", "latency", "cost", "tokens", "wall_s", "volunteered",
                   "withheld")
TOLERANCE = 0.02  # rates move by at least this much before we call it a change

HEADLINES = {
    "writeups": ["green_qwk", "red_kappa", "phase_qwk", "phase_mae", "macro_f1", "binary.precision",
                 "binary.recall", "binary.f1", "verdict_agreement", "binary_agreement", "rerun_flip_rate"],
    "variants": ["degradation_detection_rate", "degradation_score_drop_rate", "ordering_accuracy",
                 "ordering_ceiling", "ordering_where_labels_drop",
                 "invariance_stable_rate", "invariance_stable_rate_beyond_noise", "injection_success_rate",
                 "injection_success_rate_beyond_noise", "injection_reported_rate", "minimum_rate", "rerun_flip_rate",
                 "rerun_noisy_flags"],
    "transcripts": ["behaviour_pass_rate", "phase_pass_rate", "flag_met_recall", "flag_raised_recall",
                    "rerun_flip_rate"],
    "personas": ["conduct_pass_rate", "outcome_pass_rate", "strong_above_weak", "persona_fidelity"],
    "replies": ["acceptable", "held_out_acceptable", "piped_acceptable", "unseen_acceptable", "unseen2_acceptable",
                "unseen3_acceptable", "unseen4_acceptable", "unseen5_acceptable", "unseen6_acceptable",
                "unseen7_acceptable", "unseen8_acceptable", "unseen9_acceptable", "unseen10_acceptable",
                "unseen11_acceptable", "unseen12_acceptable",
                "replies", "interviews",
                "checks_all_pass",
                "checks_agreement",
                "checks_kappa", "checks_pass_rejected"],
    "facts": ["heldout_exact", "heldout_precision", "heldout_recall", "heldout.volunteered", "heldout.withheld",
              "written.exact", "written.precision", "written.recall", "transcripts.exact", "transcripts.precision",
              "transcripts.recall"],
    "interviews": ["claim_precision", "claim_precision_quoted", "claims", "phase_qwk", "phase_mae", "green_kappa",
                   "red_kappa", "green_recall", "red_recall", "hire_within_one", "hire_exact",
                   "strong_above_weak_by_1", "constant_rule.phase_qwk", "constant_rule.hire_within_one"],
}


def load_suites(out_dir: Path) -> dict[str, dict[str, Any]]:
    suites = {s: json.loads((out_dir / f"{s}.json").read_text(encoding="utf-8"))
              for s in SUITES if (out_dir / f"{s}.json").exists()}
    if "writeups" in suites:  # agreement is recomputed from the stored scorecards and today's labels
        doc = suites["writeups"]
        labels = load_labels()
        cards = {n: Scorecard.model_validate(c) for n, c in doc["items"].items() if n in labels}
        if cards:
            doc["summary"] = {**doc["summary"], **summarize_writeups(cards, {n: labels[n] for n in cards})}
    if "variants" in suites:  # derived rates come from the stored items, so new definitions apply to old runs
        doc = suites["variants"]
        backfill_labels_order(doc["items"])
        doc["summary"] = {**doc["summary"], **summarize(doc["items"], doc.get("reruns", []))}
    if "personas" in suites:
        from interviewer.evals.personas import summarize_personas

        doc = suites["personas"]
        doc["summary"] = {k: v for k, v in summarize_personas(doc["items"]).items() if k != "latencies"}
    return suites


def _get(d: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def flat_metrics(suites: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Every headline number as `suite.metric`, plus latency, tokens and cost per suite."""
    out: dict[str, float] = {}
    for name, doc in suites.items():
        for key in HEADLINES[name]:
            val = _get(doc["summary"], key)
            if isinstance(val, bool):
                val = float(val)
            if isinstance(val, int | float) and not math.isnan(val):
                out[f"{name}.{key}"] = float(val)
        for key in ("p50", "p95"):
            if doc["latency"].get(key) is not None:
                out[f"{name}.latency_{doc['latency_unit']}_{key}_s"] = float(doc["latency"][key])
        usage = doc.get("usage", {})
        out[f"{name}.tokens"] = float(usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        out[f"{name}.cost_usd"] = float(usage.get("cost_usd", 0.0))
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _bar(path: Path, title: str, labels: list[str], values: list[float], xlim: float | None = 1.0) -> None:
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(labels) + 1.2))
    ax.barh(labels, values, color="#4c72b0")
    ax.invert_yaxis()
    if xlim:
        ax.set_xlim(0, xlim)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _reliability(path: Path, rel: dict[str, list[dict[str, Any]]]) -> None:
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    for kind, rows in rel.items():
        if rows:
            ax.plot([r["mean_p"] for r in rows], [r["label_rate"] for r in rows], marker="o",
                    color="tab:green" if kind == "green" else "tab:red", label=f"{kind} flags")
            for r in rows:
                ax.annotate(str(r["n"]), (r["mean_p"], r["label_rate"]), fontsize=7, xytext=(3, 3),
                            textcoords="offset points")
    ax.set_xlabel("predicted probability the flag holds (bin mean)")
    ax.set_ylabel("share labeled as holding")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("Reliability of the grader's probabilities (n per point)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plots(suites: dict[str, dict[str, Any]], plot_dir: Path) -> list[tuple[str, str]]:
    """Draw one PNG per view; returns (caption, relative path) pairs for the Markdown."""
    plot_dir.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, str]] = []

    def add(name: str, caption: str, labels: list[str], values: list[float | None], xlim: float | None = 1.0) -> None:
        pairs = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
        if pairs:
            _bar(plot_dir / name, caption, [p[0] for p in pairs], [float(p[1]) for p in pairs], xlim)
            made.append((caption, f"{plot_dir.name}/{name}"))

    if w := suites.get("writeups"):
        per = w["summary"].get("per_phase", {})
        add("writeups_f1_by_phase.png", "Grader vs labels: F1 per phase", list(per), [v["f1"] for v in per.values()])
        flags = w["summary"].get("per_flag", {})
        add("writeups_f1_by_flag.png", "Grader vs labels: F1 per flag (positive class)", list(flags),
            [v["f1"] for v in flags.values()])
        if rel := w["summary"].get("reliability"):
            _reliability(plot_dir / "writeups_reliability.png", rel)
            made.append(("Reliability: held-out probability a flag holds (P(yes) and terms) vs label frequency",
                         f"{plot_dir.name}/writeups_reliability.png"))
    if v := suites.get("variants"):
        keys = [k for k in HEADLINES["variants"] if k not in ("rerun_flip_rate", "rerun_noisy_flags")]
        add("variants_rates.png", "Controlled edits: rates", keys, [v["summary"].get(k) for k in keys])
    if t := suites.get("transcripts"):
        per = t["summary"].get("per_behaviour", {})
        add("transcripts_behaviour.png", "Scripted interviews: interviewer behaviour pass rate", list(per),
            list(per.values()))
    if p := suites.get("personas"):
        per = p["summary"].get("per_check", {})
        add("personas_checks.png", "Simulated candidates: conduct checks pass rate", list(per), list(per.values()))
    lat = {f"{n} p50/{d['latency_unit']}": d["latency"]["p50"] for n, d in suites.items() if d["latency"]["p50"]}
    add("latency_p50.png", "Median latency (s)", list(lat), list(lat.values()), xlim=None)
    return made


TRUST = [  # the grader's headline figures: (label, suite, metric)
    ("write-up grading, median wall time per labeled write-up (s)", "writeups", "latency.p50"),
    ("green-flag verdicts vs labels, QWK (held-out folds)", "writeups", "summary.green_qwk"),
    ("red-flag verdicts vs labels, Cohen's kappa (held-out folds)", "writeups", "summary.red_kappa"),
    ("phase-score QWK vs labels", "writeups", "summary.phase_qwk"),
    ("macro-F1 (grader / constant rule)", "writeups", "summary.macro_f1"),
    ("variants: degradation detection", "variants", "summary.degradation_detection_rate"),
    ("variants: ordering (original above degraded)", "variants", "summary.ordering_accuracy"),
    ("variants: ordering the labels themselves reach (ceiling)", "variants", "summary.ordering_ceiling"),
    ("variants: ordering where the labels drop", "variants", "summary.ordering_where_labels_drop"),
    ("injection success beyond rerun noise", "variants", "summary.injection_success_rate_beyond_noise"),
    ("rerun flip rate", "variants", "summary.rerun_flip_rate"),
    ("interviews: claim precision (positive verdicts the labels agree with)", "interviews", "summary.claim_precision"),
    ("interviews: phase-score QWK vs labels", "interviews", "summary.phase_qwk"),
    ("interviews: hire signal within one step", "interviews", "summary.hire_within_one"),
    ("interviews: strong above weak by >= 1.0 on the same problem", "interviews", "summary.strong_above_weak_by_1"),
    ("held-out interviews: claim precision", "interviews", "summary.heldout.claim_precision"),
    ("held-out interviews: phase-score QWK vs labels", "interviews", "summary.heldout.phase_qwk"),
    ("held-out interviews: hire signal within one step", "interviews", "summary.heldout.hire_within_one"),
    ("second held-out set: claim precision", "interviews", "summary.heldout2.claim_precision"),
    ("second held-out set: phase-score QWK vs labels", "interviews", "summary.heldout2.phase_qwk"),
    ("second held-out set: hire signal within one step", "interviews", "summary.heldout2.hire_within_one"),
    ("third held-out set: claim precision", "interviews", "summary.heldout3.claim_precision"),
    ("third held-out set: phase-score QWK vs labels", "interviews", "summary.heldout3.phase_qwk"),
    ("third held-out set: hire signal within one step", "interviews", "summary.heldout3.hire_within_one"),
    ("fourth held-out set: claim precision", "interviews", "summary.heldout4.claim_precision"),
    ("fourth held-out set: phase-score QWK vs labels", "interviews", "summary.heldout4.phase_qwk"),
    ("fourth held-out set: hire signal within one step", "interviews", "summary.heldout4.hire_within_one"),
    ("fifth held-out set: claim precision", "interviews", "summary.heldout5.claim_precision"),
    ("fifth held-out set: phase-score QWK vs labels", "interviews", "summary.heldout5.phase_qwk"),
    ("fifth held-out set: hire signal within one step", "interviews", "summary.heldout5.hire_within_one"),
]


def headline(suites: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for label, suite, key in TRUST:
        if suite in suites:
            value = _fmt(_get(suites[suite], key))
            if key == "summary.macro_f1":
                value += f" / {_fmt(_get(suites[suite], 'summary.constant_rule.macro_f1'))}"
            rows.append(f"| {label} | {value} |")
    return ["## Headline: how far to trust the grader", "", "| measure | value |", "|---|---|", *rows, ""] \
        if rows else []


def render(suites: dict[str, dict[str, Any]], made: list[tuple[str, str]]) -> str:
    lines = ["# Eval report", "", *headline(suites)]
    for name, doc in suites.items():
        lines += [f"## {name}", "",
                  f"Model `{doc['model']}` at `{doc['base_url']}`, started {doc['started']}, "
                  f"{doc['wall_s']:.0f} s wall, {doc['machine']['cpus']} CPUs, code at commit "
                  f"`{doc.get('commit') or 'unknown'}`. Command: `{doc['command']}`",
                  "", f"Settings: `{json.dumps(doc['settings'])}`", "", "| metric | value |", "|---|---|"]
        lines += [f"| {k} | {_fmt(_get(doc['summary'], k))} |" for k in HEADLINES[name]]
        lat, use = doc["latency"], doc["usage"]
        lines += [f"| latency per {doc['latency_unit']} p50 / p95 (s) | {_fmt(lat['p50'])} / {_fmt(lat['p95'])} "
                  f"(n={lat['n']}) |",
                  f"| LLM calls | {int(use.get('calls', 0))} |",
                  f"| tokens prompt / cached / completion | {int(use.get('prompt_tokens', 0)):,} / "
                  f"{int(use.get('cached_tokens', 0)):,} / {int(use.get('completion_tokens', 0)):,} |",
                  f"| cost (USD) | {use.get('cost_usd', 0.0):.4f} |", ""]
        lines += _details(name, doc)
    if made:
        lines += ["## Plots", ""] + [f"![{cap}]({path})" for cap, path in made] + [""]
    return "\n".join(lines)


def _details(name: str, doc: dict[str, Any]) -> list[str]:
    s = doc["summary"]
    if name == "writeups":
        rows = sorted(s.get("per_flag", {}).items(), key=lambda kv: (kv[1]["agree"], kv[1]["f1"]))
        const = s.get("constant_rule", {})
        shown = ["green_qwk", "red_kappa", "phase_qwk", "phase_mae", "macro_f1", "binary.f1", "verdict_agreement",
                 "binary_agreement"]
        how = "held-out folds (leave one write-up out)" if s.get("held_out") else "as graded"
        out = [f"Grader ({how}) beside the constant rule \"every green met, no red raised\":", "",
               "| metric | grader | constant rule |", "|---|---|---|"]
        out += [f"| {k} | {_fmt(_get(s, k))} | {_fmt(_get(const, k))} |" for k in shown] + [""]
        out += ["Per phase (binary: met/partial/raised vs not):", "", "| phase | precision | recall | F1 | macro F1 |",
               "|---|---|---|---|---|"]
        out += [f"| {p} | {_fmt(v['precision'])} | {_fmt(v['recall'])} | {_fmt(v['f1'])} | {_fmt(v['macro_f1'])} |"
                for p, v in s.get("per_phase", {}).items()]
        out += ["", "Worst flags (lowest agreement with the labels):", "", "| flag | agreement | F1 |", "|---|---|---|"]
        out += [f"| `{k}` | {_fmt(v['agree'])} | {_fmt(v['f1'])} |" for k, v in rows[:8]]
        out += ["", "Per flag (positive class F1, macro-F1 of both classes, n):", "",
                "| flag | F1 | macro F1 | agreement |", "|---|---|---|---|"]
        out += [f"| `{k}` | {_fmt(v['f1'])} | {_fmt(v.get('macro_f1'))} | {_fmt(v['agree'])} |"
                for k, v in s.get("per_flag", {}).items()]
        return out + [""]
    if name == "interviews":
        const = s.get("constant_rule", {})
        shown = ["claim_precision", "claim_precision_quoted", "phase_qwk", "phase_mae", "green_kappa", "red_kappa",
                 "hire_within_one", "hire_exact", "strong_above_weak_by_1"]
        out = ["Grader beside the constant rule \"nothing shown\" (the phase-scoring rule was fitted on these "
               "interviews and the write-ups, with leave-one-problem-out folds; the held-out set below was not "
               "read):", "",
               "| metric | grader | constant rule |", "|---|---|---|"]
        out += [f"| {k} | {_fmt(_get(s, k))} | {_fmt(_get(const, k))} |" for k in shown] + [""]
        folds = s.get("folds", {})
        out += ["Per fold:", "", "| fold | claim precision | phase QWK | hire within one | strong above weak |",
                "|---|---|---|---|---|"]
        out += [f"| {k} | {_fmt(v['claim_precision'])} | {_fmt(v['phase_qwk'])} | {_fmt(v['hire_within_one'])} "
                f"| {_fmt(v['strong_above_weak_by_1'])} |" for k, v in folds.items()]
        for name, folder in (("heldout", "interviews-heldout"), ("heldout2", "interviews-heldout2"),
                             ("heldout3", "interviews-heldout3"), ("heldout4", "interviews-heldout4"),
                             ("heldout5", "interviews-heldout5")):
            if held := s.get(name):
                second = held.get("inter_rater") or {}  # a second labeler against the first: the ceiling
                out += ["", f"Held-out interviews (`{folder}/`: written and labeled blind, graded once "
                        "after the changes were made):", "",
                        "| metric | grader | constant rule |" + (" second labeler |" if second else ""),
                        "|---|---|---|" + ("---|" if second else "")]
                out += [f"| {k} | {_fmt(_get(held, k))} | {_fmt(_get(held['constant_rule'], k))} |"
                        + (f" {_fmt(_get(second, k))} |" if second else "") for k in shown]
        out += ["", "Strong minus weak overall, per problem: " + ", ".join(
            f"{k} {v:+.2f}" for k, v in s.get("strong_minus_weak", {}).items()), "",
            "| interview | framework | overall (labels) | hire (labels) | claims right |", "|---|---|---|---|---|"]
        held_out = {"heldout": " (held out)", "heldout2": " (held out, second set)",
                    "heldout3": " (held out, third set)", "heldout4": " (held out, fourth set)",
                    "heldout5": " (held out, fifth set)"}
        out += [f"| {r['id']}{held_out.get(r.get('set', ''), '')} | {r['framework']} "
                f"| {r['overall']:.2f} ({r['label_overall']:.2f}) | {r['hire']} "
                f"({r['hire_label']}) | {sum(c['right'] for c in r['claims'])}/{len(r['claims'])} |"
                for r in doc["items"]]
        return out + [""]
    if name == "variants":
        out = ["| variant | phases graded | result |", "|---|---|---|"]
        for r in doc["items"]:
            res = (r.get("targets") or {"stable": r.get("stable")} if r["kind"] != "minimum"
                   else {"minimum": r["minimum"]})
            out.append(f"| {r['id']} | {r['phases'] if isinstance(r['phases'], str) else ', '.join(r['phases'])} "
                       f"| {json.dumps(res)} |")
        return out + [""]
    if name == "personas":
        out = ["| persona | checks pass rate | played its part | overall | hire signal |", "|---|---|---|---|---|"]
        out += [f"| {k} | {_fmt(v['pass_rate'])} | {_fmt(v.get('acted'))} | {_fmt(v['overall'])} | {v['hire_signal']} |"
                for k, v in s.get("per_persona", {}).items()]
        out += ["", "Checks per interviewer reply: " + ", ".join(
            f"{k} {_fmt(v)}" for k, v in s.get("per_check", {}).items()) + "."]
        return out + [""]
    return []


def write_report(out_dir: Path) -> Path:
    suites = load_suites(out_dir)
    if not suites:
        raise FileNotFoundError(f"no suite results ({', '.join(f'{s}.json' for s in SUITES)}) in {out_dir}")
    made = plots(suites, out_dir / "plots")
    (out_dir / "report.md").write_text(render(suites, made), encoding="utf-8")
    summary = {n: {k: v for k, v in d.items() if k not in ("items", "reruns")} for n, d in suites.items()}
    (out_dir / "report.json").write_text(json.dumps({"suites": summary, "metrics": flat_metrics(suites)}, indent=2),
                                         encoding="utf-8")
    return out_dir / "report.md"


def _metrics_of(path: Path) -> dict[str, float]:
    path = path / "report.json" if path.is_dir() else path
    if not path.exists():
        raise FileNotFoundError(f"no eval report at {path}")
    return dict(json.loads(path.read_text(encoding="utf-8"))["metrics"])


def compare_reports(old: Path, new: Path) -> tuple[str, list[str]]:
    """A table of every shared metric and its change; returns it with the regressed metric names."""
    a, b = _metrics_of(old), _metrics_of(new)
    lines = [f"# Eval comparison: {old} → {new}", "", "| metric | before | after | change | |", "|---|---|---|---|---|"]
    regressions = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if x is None or y is None:
            lines.append(f"| {key} | {_fmt(x)} | {_fmt(y)} | | {'new' if x is None else 'gone'} |")
            continue
        delta = y - x
        lower = any(t in key for t in LOWER_IS_BETTER)
        rel = abs(delta) / abs(x) if x else abs(delta)
        moved = rel > 0.10 if ("latency" in key or "tokens" in key or "cost" in key) else abs(delta) > TOLERANCE
        worse = moved and (delta > 0 if lower else delta < 0)
        better = moved and not worse
        if worse:
            regressions.append(key)
        lines.append(f"| {key} | {_fmt(x)} | {_fmt(y)} | {delta:+.3f} | "
                     f"{'**REGRESSION**' if worse else 'better' if better else ''} |")
    lines += ["", f"{len(regressions)} regression(s)" + (": " + ", ".join(regressions) if regressions else "."), ""]
    return "\n".join(lines), regressions
