"""What the graph's nodes need besides the state: supplied per run, never checkpointed.

The compiled graph is one for every rubric and problem; a node finds its rubric and problem
from the ids in the state through `catalog`, and talks to the LLM, the clock and the grades
through this context (LangGraph's runtime context, as in langchain-ai/react-agent).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Literal

from interviewer.content.catalog import Catalog
from interviewer.content.problems import Problem
from interviewer.content.rubric import Rubric
from interviewer.grading.grader import Grader, ProbeMemo
from interviewer.interview.clock import Clock, WallClock
from interviewer.interview.grades import Grades
from interviewer.interview.state import InterviewState
from interviewer.llm.client import LLM
from interviewer.llm.settings import GraderStrategy, Questions

# "naive" puts the changing per-turn note first, as a prompt written without caching in mind
# would; kept only so benchmarks can show what the cache-first layout buys.
Layout = Literal["cache_first", "naive"]


@dataclass(kw_only=True)
class Context:
    llm: LLM
    catalog: Catalog = field(default_factory=Catalog.load)
    clock: Clock = field(default_factory=WallClock)
    strategy: GraderStrategy = "auto"
    grade_wait_s: float = 20.0  # how long a turn waits for earlier grades before replying
    # On a small local server grading competes with the reply for the same cores: start it after.
    grade_after_reply: bool = False
    final_wait_s: float = 120.0  # how long wrap-up waits for the last grades
    max_tokens: int = 100  # one to three sentences; a cut-off tail is trimmed to the last full sentence
    probe_cap: int = 2
    # The least one answer counts for a phase's pacing (timing.phase_pace_min); 0 paces by the clock alone.
    minutes_per_answer: float = 2.5
    window: int = 16  # transcript messages sent verbatim
    # While the candidate reads the problem, have the server process the stable prefix (system
    # prompt + opening) so the first answer's reply starts from a warm cache. Local servers only.
    warm_prefix: bool = False
    grade: bool = True  # False: practice without grading (benchmarks isolate the interviewer's calls)
    layout: Layout = "cache_first"
    # An unsure intent rule ("let's do the serving part now") asks the LLM one token.
    judge_intents: bool = True
    # "authored": every question from the bank or the rubric (no LLM call); "model": a strong backend
    # writes the reply from the planner's note, under the same guards (interview/reply.py)
    questions: Questions = "authored"
    grades: Grades = field(default_factory=Grades)
    warming: dict[str, Future[None]] = field(default_factory=dict)

    # P(yes) of every probe asked in this process, by prompt: the final scorecard re-asks only what
    # the answers since the last turn's grade changed
    probes: ProbeMemo = field(default_factory=ProbeMemo)

    def grader(self, rubric: Rubric, problem: Problem, final: bool = False) -> Grader:
        """Turn by turn, in the grader's own slot; the final card on every slot at once. Red flags no
        answer could raise are not asked (the same verdicts, sooner)."""
        return Grader(self.llm, rubric, problem, strategy=self.strategy, live=not final, memo=self.probes,
                      skip_silent=True, bank=self.catalog.bank(problem.id))

    def rubric(self, state: InterviewState) -> Rubric:
        return self.catalog.rubric(state["framework"])

    def problem(self, state: InterviewState) -> Problem:
        return self.catalog.problem(state["problem_id"])
