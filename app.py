"""Gradio entry point: `python app.py` (or `make run`) serves http://127.0.0.1:7860."""

from __future__ import annotations

import sys

import interviewer.llm.offline  # noqa: F401  (sets telemetry-off env before gradio is imported)
from interviewer.app.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
