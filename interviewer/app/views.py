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

FOLD_CHARS = 800  # a longer answer shows folded in the chat (its start, a count, and all of it a click away)
FOLD_HEAD = 300

# A flag's kind in words and a shape (a badge with a sign), never by colour or emoji alone: emoji
# render as empty boxes where no emoji font is installed, and colour is lost on some screens.
FLAG_MARKS = {"strength": ("+", "Strength"), "concern": ("!", "Concern"), "missing": ("–", "Not shown"),
              "uncredited": ("?", "Not credited")}
_CARD_MARKS = {"🟢 Strength:": "strength", "🔴 Concern:": "concern", "⚪ Not shown:": "missing",
               "⚠️ not credited": "uncredited"}

SIGNAL_COLOURS = {"strong_no_hire": "#b91c1c", "no_hire": "#dc2626", "lean_no_hire": "#f97316",
                  "lean_hire": "#84cc16", "hire": "#16a34a", "strong_hire": "#15803d"}


def answer_bubble(text: str) -> str:
    """The candidate's text, escaped; a long one folded so a pasted essay does not fill the chat
    (the whole text is kept and sent; only the bubble is folded)."""
    safe = html.escape(text)
    if len(text) <= FOLD_CHARS:
        return safe
    head = html.escape(text[:FOLD_HEAD].rsplit(" ", 1)[0].rstrip())
    return (f'<details class="long-answer"><summary><span class="head">{head}…</span> <em class="more">'
            f'({len(text):,} characters: show all)</em><em class="less">({len(text):,} characters: fold)</em>'
            f"</summary>{safe}</details>")


def chat_messages(view: SessionView) -> list[dict[str, str]]:
    return [{"role": "assistant" if t["role"] == "interviewer" else "user",
             "content": t["text"] if t["role"] == "interviewer" else answer_bubble(t["text"])}
            for t in view.transcript]


def flag_mark(kind: str) -> str:
    """A flag's badge and its word: the sign (drawn by CSS, silent to a screen reader) is a shape for
    the eye, the word is what is read out. The page's sanitizer drops aria-hidden, hence CSS."""
    return f'<span class="flag-mark {kind}"></span> <strong>{FLAG_MARKS[kind][1]}:</strong>'


def scorecard_md(card: Scorecard) -> str:
    """The scorecard's Markdown for the page: its emoji flag labels become the page's badges."""
    text = card.to_markdown()
    for label, kind in _CARD_MARKS.items():
        text = text.replace(label, flag_mark(kind))
    return text


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
                mark = flag_mark("strength" if kind == "green" else "concern")
                quotes = "; ".join(f"“{html.escape(e.quote)}” ({e.where})" for e in r.evidence)
                lines.append(f"{mark} {ph.title} — {html.escape(flag.statement)} *({r.credited})*  \n{quotes}")
            elif r.verdict in ("met", "partial", "raised"):
                lines.append(f"{flag_mark('uncredited')} {ph.title} — {html.escape(flag.statement)} *(no quote of "
                             "yours backs it)*")
    if view.diagram:
        lines.append(diagram_checks_md(view.diagram))
    if view.grading:
        lines.append(f"_Grading {view.grading} answer{'s' if view.grading > 1 else ''}…_")
    return "\n\n".join(lines) if lines else "_No flags yet: they appear here as your answers are graded._"


PATH_CHECKS = ("data_to_action", "feedback_loop")  # proven by a chain of arrows; the rest by boxes

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
        # only the two path checks are chains of arrows; the others name boxes, never joined by an arrow
        # (an arrow between them would claim an edge the diagram may not have)
        joint = " → " if name in PATH_CHECKS else ", "
        proof = joint.join(checks.paths.get(name, [])[:6])
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


def live_preview(source: str, note: str | None) -> tuple[str, str]:
    """(drawing, note) as the box changes: an error replaces the note, and a fixed error clears it;
    otherwise the note stays, so "Saved version N" survives a reload that refills the box."""
    preview, error = diagram_preview(source)
    note = note or ""
    return preview, error or ("" if note.startswith("⚠️") else note)


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
#rubric-panel { max-height: 260px; overflow-y: auto; }
#diagram-preview { max-height: 420px; overflow: auto; }
.flag-mark { display: inline-block; min-width: 1.25em; line-height: 1.15em; text-align: center; font-weight: bold;
             border: 2px solid currentColor; margin-right: 2px; }
.flag-mark.strength { color: #166534; border-radius: 3px; }
.flag-mark.concern { color: #991b1b; border-radius: 50%; }
.flag-mark.missing { color: #374151; border-style: dashed; }
.flag-mark.uncredited { color: #92400e; border-style: dotted; }
""" + "".join(f'.flag-mark.{k}::before {{ content: "{sign}" / ""; }}\n' for k, (sign, _) in FLAG_MARKS.items()) + """
.dark .flag-mark.strength { color: #86efac; } .dark .flag-mark.concern { color: #fca5a5; }
.dark .flag-mark.missing { color: #d1d5db; } .dark .flag-mark.uncredited { color: #fcd34d; }
details.long-answer summary { cursor: pointer; }
details.long-answer:not([open]) .less,
details.long-answer[open] .more, details.long-answer[open] .head { display: none; }
#history-table th, #history-table th * { word-break: keep-all; overflow-wrap: normal; hyphens: none; }
#chat button[aria-label="Clear"], #history-chat button[aria-label="Clear"] { display: none; }
"""
