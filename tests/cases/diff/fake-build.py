"""A stand-in for ``python -m canada_korea --project ROOT build`` in the test checkouts of
tests/test_diff.py and tests/test_releases.py: it publishes ROOT/dataset.nq as the build's
dataset dump in milliseconds, so tests can build git revisions the way diff does. A revision
with a file named ``broken`` fails the way a real build does: one ``Error:`` line, exit 2."""

import os
import shutil
import sys
from pathlib import Path

root = Path(sys.argv[sys.argv.index("--project") + 1])
if (root / "broken").exists():
    print("Error: data/broken.trig:1:1: TriG syntax error", file=sys.stderr)
    sys.exit(2)
dist = root / "dist"
dist.mkdir()
shutil.copyfile(root / "dataset.nq", dist / "canada-korea.nq")
(dist / "source-date-epoch").write_text(os.environ["SOURCE_DATE_EPOCH"], "utf-8")
