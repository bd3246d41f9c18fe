"""The scorecard as Markdown: the CLI's, the page's and the exports' one rendering."""

from __future__ import annotations

from interviewer.grading.scorecard import Scorecard


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(card: Scorecard) -> str:
    signal = card.hire_signal.replace("_", " ")
    lines = [
        f"# Scorecard — {card.problem_id or 'write-up'} ({card.framework} framework, {card.level} level)",
        "",
        f"**Hire signal: {signal}** — overall {card.overall:.2f} / 4 against a {card.level} bar of {card.bar:.2f}.",
        "",
    ]
    if card.level_expectation:
        lines += [f"What the {card.level} bar asks on this problem: {card.level_expectation.strip()} "
                  f"The core challenge: {card.core_challenge.strip()}", ""]
    lines += [f"> {note}" for note in card.notes] + ([""] if card.notes else [])
    if card.hints_used:
        lines += [f"Hints used: {card.hints_used}.", ""]
    if card.input_status != "ok":
        lines += [f"> Input scored the minimum without grading: {card.input_note}.", ""]
    if card.not_graded:
        lines += [f"> **Incomplete:** {len(card.not_graded)} criteria could not be graded (the LLM call failed); "
                  "they count as not shown. Grade again to complete it.", ""]
    if card.left_out:
        titles = {p.phase_id: p.title for p in card.phases}
        parts = ", ".join(f"{titles.get(k, k)}: {n}" for k, n in card.left_out.items())
        lines += [f"> Long text: some sentences were left out of grading because they did not fit the model's "
                  f"context ({parts} sentences); the most relevant ones were kept.", ""]
    if card.manipulation_attempts:
        lines += ["> **Manipulation attempt detected** — these instructions to the grader were ignored:"]
        lines += [f"> - \"{m}\"" for m in card.manipulation_attempts] + [""]
    lines += ["| phase | score | time / budget | green met | red raised |", "|---|---|---|---|---|"]
    for ph in card.phases:
        time = f"{ph.minutes_spent:.1f} / {ph.budget_minutes:g} min" if ph.minutes_spent is not None else "—"
        greens = sum(f.kind == "green" for f in ph.flags)
        lines.append(f"| {ph.title} | {ph.score} | {time} | {len(ph.met)}/{greens} | {len(ph.raised)} |")
    if card.uncovered_phases:
        titles = {p.phase_id: p.title for p in card.phases}
        lines += ["", f"Never covered: {', '.join(titles.get(u, u) for u in card.uncovered_phases)}."]
    if card.improvements:
        lines += ["", "## Top improvements", ""] + [f"{i}. {t}" for i, t in enumerate(card.improvements, 1)]
    for ph in card.phases:
        lines += ["", f"## {ph.title} — {ph.score}/4", ""]
        if ph.expected:
            lines += [f"_Expected at the {card.level} level: {ph.expected.strip()}_", ""]
        for f in ph.met + ph.raised:
            mark = "🟢 Strength:" if f.kind == "green" else "🔴 Concern:"  # readable without colour or emoji
            label = f.credited.replace("_", " ")
            lines.append(f"- {mark} **{label}**: {f.statement}")
            lines += [f"  - \"{e.quote}\" ({e.where})" for e in f.evidence]
        for f in ph.missing:
            lines.append(f"- ⚪ Not shown: {f.statement}")
        for act in ph.pressed:  # not a verdict: the question this problem's interviewer would press
            lines.append(f"- ❓ To defend: \"{act.quote}\" ({act.where}) — {act.ask}")
        unverified = [f for f in ph.flags if f.unverified_quotes and not f.verified]
        for f in unverified:
            lines.append(f"- ⚠️ not credited (quote not found in the candidate's text): {f.statement}")
        if ph.references:
            lines += ["", "| not met | what you said | what a strong answer covers |", "|---|---|---|"]
            lines += [f"| {cell(ref.statement)} | {cell(ref.yours) or '—'} | {cell(' '.join(ref.reference))} |"
                      for ref in ph.references]
    if card.diagram:
        lines += ["", "## Your diagram", "", "```mermaid", card.diagram, "```"]
    u = card.usage
    if u:
        lines += ["", "---", f"Grading: {card.strategy} strategy, {int(u.get('calls', 0))} LLM calls, "
                  f"{int(u.get('prompt_tokens', 0))} prompt tokens ({int(u.get('cached_tokens', 0))} cached), "
                  f"{int(u.get('completion_tokens', 0))} completion tokens, "
                  f"cost ≈ ${u.get('cost_usd', 0):.4f}, {card.latency_s:.1f} s."]
    return "\n".join(lines) + "\n"


