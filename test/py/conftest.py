"""Puts the sidecar package (py/ at the repository root) on sys.path for the Python tests."""

import sys
from pathlib import Path

PY_ROOT = Path(__file__).resolve().parents[2] / "py"
if str(PY_ROOT) not in sys.path:
    sys.path.insert(0, str(PY_ROOT))
