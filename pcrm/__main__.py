"""``python -m pcrm``."""
from __future__ import annotations

from pcrm.cli import main

if __name__ == "__main__":
    main()
