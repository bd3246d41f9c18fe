"""The interview as one compiled LangGraph state machine, for every rubric and problem.

    opening -> candidate (interrupt) -> route_answer -> interviewer -> candidate -> ...
                                             |-> advance -> route_phase -> interviewer | wrapup
                                             \\-> wrapup -> END

The nodes and routers are in nodes.py; what they need besides the state (LLM, clock, catalog,
grades) comes from the runtime context (context.py), never from the checkpoint.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from interviewer.interview import nodes, routing
from interviewer.interview.context import Context
from interviewer.interview.state import InterviewInput, InterviewState


def build_graph(checkpointer: Any) -> CompiledStateGraph[Any, Any, Any, Any]:
    graph = StateGraph(InterviewState, context_schema=Context, input_schema=InterviewInput)
    graph.add_node("opening", nodes.opening)
    graph.add_node("candidate", nodes.candidate)
    graph.add_node("interviewer", nodes.interviewer)
    graph.add_node("advance", nodes.advance)
    graph.add_node("wrapup", nodes.wrapup)
    graph.add_edge(START, "opening")
    graph.add_edge("opening", "candidate")
    graph.add_conditional_edges("candidate", routing.route_answer)
    graph.add_edge("interviewer", "candidate")
    graph.add_conditional_edges("advance", routing.route_phase)
    graph.add_edge("wrapup", END)
    return graph.compile(checkpointer=checkpointer)
