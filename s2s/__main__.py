"""``python -m s2s``: the same program as the ``s2s`` command."""
import sys

from s2s.api.cli import main

if __name__ == "__main__":
    sys.exit(main(command="python -m s2s"))
