"""``python -m canada_korea`` runs the command line."""

from .cli import run

run()
