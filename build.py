"""Build and validate the dumps: ``python build.py`` is ``canada-korea build``."""

import sys

from canada_korea.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
