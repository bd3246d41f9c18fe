"""HTML and Markdown views of a session for the UI: timeline, rubric panel, scorecard chart.

Everything the candidate wrote is escaped here, so typed HTML or script shows as inert text.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from interviewer.diagram import DiagramError, check, parse
from interviewer.diagram.checks import TITLES
from interviewer.diagram.render import to_mermaid
from interviewer.diagram.svg import to_svg
from interviewer.grading.scorecard import Scorecard
from interviewer.interview.sessions import SessionView

SIGNAL_COLOURS = {"strong_no_hire": "#b91c1c", "no_hire": "#dc2626", "lean_no_hire": "#f97316",
                  "lean_hire": "#84cc16", "hire": "#16a34a", "strong_hire": "#15803d"}


def chat_messages(view: SessionView) -> list[dict[str, str]]:
    return [{"role": "assistant" if t["role"] == "interviewer" else "user",
             "content": t["text"] if t["role"] == "interviewer" else html.escape(t["text"])}
            for t in view.transcript]


def timeline_html(view: SessionView) -> str:
    rubric = view.rubric
    rows = []
    for i, ph in enumerate(rubric.phases):
        if i < view.phase_index or (view.done and i <= view.phase_index):
            spent = view.phase_minutes.get(ph.id, 0.0)
            state, mark = "done", "✓"
        elif i == view.phase_index:
            spent, state, mark = view.phase_elapsed_min, "current", "▶"
        else:
            spent, state, mark = 0.0, "upcoming", "·"
        pct = min(100, int(100 * spent / ph.budget.target_minutes)) if ph.budget.target_minutes else 0
        over = " over" if spent > ph.budget.target_minutes else ""
        left = ""
        if state == "current" and not view.done:
            rest = ph.budget.target_minutes - spent
            left = f" · {rest:.1f} min left" if rest >= 0 else f" · {-rest:.1f} min over"
        rows.append(
            f'<div class="phase {state}{over}" data-phase="{ph.id}"><span class="mark">{mark}</span> '
            f"<b>{html.escape(ph.title)}</b> <span class='mins'>{spent:.1f} / {ph.budget.target_minutes:g} min"
            f"{left}</span>"
            f'<div class="bar"><div style="width:{pct}%"></div></div></div>'
        )
    total = f"<div class='total'>Total {view.elapsed_min:.1f} / {rubric.total_minutes:g} min</div>"
    return f'<div id="timeline">{"".join(rows)}{total}</div>'


def rubric_panel(view: SessionView) -> str:
    """Flags met or raised so far with their quotes; a positive grade without evidence shows as
    not credited; answers still being graded are counted."""
    lines = []
    for ph in view.rubric.phases:
        for kind, flag in ph.flags:
            r = view.flags.get(flag.id)
            if r is None:
                continue
            if r.credited in ("met", "partial", "raised"):
                icon = "🟢 Strength:" if kind == "green" else "🔴 Concern:"  # words, not colour alone
                quotes = "; ".join(f"“{html.escape(e.quote)}” ({e.where})" for e in r.evidence)
                lines.append(f"{icon} **{ph.title}** — {html.escape(flag.statement)} *({r.credited})*  \n{quotes}")
            elif r.verdict in ("met", "partial", "raised"):
                lines.append(f"⚠️ **{ph.title}** — {html.escape(flag.statement)} *(not credited: no quote of "
                             "yours backs it)*")
    if view.diagram:
        lines.append(diagram_checks_md(view.diagram))
    if view.grading:
        lines.append(f"_Grading {view.grading} answer{'s' if view.grading > 1 else ''}…_")
    return "\n\n".join(lines) if lines else "_No flags yet: they appear here as your answers are graded._"


TEMPLATES = {
    "Empty": "flowchart LR\n",
    "Data → features → model → serving → feedback": (
        "flowchart LR\n  data[Event logs] --> features[Feature pipeline]\n  features --> train[Training]\n"
        "  train --> model[Model registry]\n  model --> serve[Online serving]\n  features --> serve\n"
        "  serve --> action[Decision shown to users]\n  action -->|outcomes as labels| data\n"
        "  serve --> monitor[Monitoring and alerts]\n"),
}


def diagram_checks_md(source: str) -> str:
    """The whiteboard's lifecycle checks (computed in code), each with what proves it."""
    checks = check(parse(source))
    rows = []
    for name, ok in checks.passed().items():
        proof = " → ".join(checks.paths.get(name, [])[:6])
        rows.append(f"{'✓' if ok else '✗'} {TITLES.get(name, name)}"
                    + (f": {html.escape(proof)}" if ok and proof else ""))
    return "**Whiteboard**  \n" + "  \n".join(rows)


def diagram_preview(source: str) -> tuple[str, str]:
    """(Mermaid Markdown for the page to draw, error) — drawn from the parsed graph, labels escaped."""
    if not source.strip():
        return "", ""
    try:
        d = parse(source)
    except DiagramError as exc:
        return "", f"⚠️ {html.escape(str(exc))}"
    return f"```mermaid\n{to_mermaid(d)}\n```", ""


def score_chart(card: Scorecard) -> str:
    bars = "".join(
        f'<div class="row" data-phase="{p.phase_id}"><span class="label">{html.escape(p.title)}</span>'
        f'<div class="bar"><div style="width:{p.score * 25}%"></div></div><span class="val">{p.score}/4</span></div>'
        for p in card.phases
    )
    colour = SIGNAL_COLOURS[card.hire_signal]
    signal = card.hire_signal.replace("_", " ")
    return (f'<div id="score-chart"><div class="signal" style="background:{colour}">{signal} · '
            f"{card.overall:.2f} / 4 ({card.level} bar {card.bar:.2f})</div>{bars}</div>")


def export_files(view: SessionView, card: Scorecard | None, directory: Path) -> list[str]:
    """Transcript and scorecard as Markdown and JSON files for download."""
    directory.mkdir(parents=True, exist_ok=True)
    md = [f"# Interview transcript — {view.problem_id} ({view.level})", ""]
    md += [f"**{'Interviewer' if t['role'] == 'interviewer' else 'Candidate'}** ({t['t'] / 60:.1f} min): {t['text']}\n"
           for t in view.transcript]
    files: list[str] = []
    diagram: dict[str, Any] | None = None
    if view.diagram:
        svg = to_svg(parse(view.diagram))
        (directory / "diagram.svg").write_text(svg, encoding="utf-8")
        files.append(str(directory / "diagram.svg"))
        diagram = {"source": view.diagram, "versions": view.diagrams, "svg": svg}
        md += ["## Whiteboard", "", "```mermaid", to_mermaid(parse(view.diagram)), "```", "",
               "Saved at " + ", ".join(f"{v['t'] / 60:.1f} min" for v in view.diagrams) + " (diagram.svg).", ""]
    if card is not None:
        md += ["", card.to_markdown()]
    data: dict[str, Any] = {"session_id": view.session_id, "problem_id": view.problem_id, "level": view.level,
                            "framework": view.framework, "transcript": view.transcript, "diagram": diagram,
                            "scorecard": card.model_dump() if card else None}
    md_path, json_path = directory / "interview.md", directory / "interview.json"
    md_path.write_text("\n".join(md), encoding="utf-8")
    json_path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return [str(md_path), str(json_path), *files]


CSS = """
#timeline .phase { padding: 4px 6px; border-radius: 6px; margin-bottom: 4px; }
#timeline .phase.current { background: rgba(59,130,246,.15); }
#timeline .phase.done { opacity: .75; }
#timeline .bar, #score-chart .bar { background: rgba(127,127,127,.2); height: 6px; border-radius: 3px; }
#timeline .bar div { background: #3b82f6; height: 6px; border-radius: 3px; }
#timeline .phase.over .bar div { background: #f97316; }
#timeline .mins { float: right; font-size: .85em; }
#score-chart .row { display: grid; grid-template-columns: 200px 1fr 40px; gap: 8px; align-items: center; }
#score-chart .bar { height: 14px; }
#score-chart .bar div { background: #16a34a; height: 14px; border-radius: 3px; }
#score-chart .signal { color: white; padding: 6px 10px; border-radius: 6px; font-weight: bold; margin-bottom: 8px; }
"""
