"""`.env.example` names every variable the settings read, and nothing they do not."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_variable_the_settings_read():
    settings = (ROOT / "vinhlong_cmcn4" / "settings.py").read_text()
    read = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_0-9]+)"', settings)) | set(
        re.findall(r'_(?:bool|list|int)\(\s*"([A-Z_0-9]+)"', settings)
    )
    listed = set(re.findall(r"^([A-Z_0-9]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed == set(), "add these to .env.example"
    assert listed - read == set(), "these are not read by the settings"
