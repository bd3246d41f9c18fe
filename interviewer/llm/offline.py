"""Keep Gradio and Hugging Face libraries from phoning home. Import before gradio."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}

for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)
