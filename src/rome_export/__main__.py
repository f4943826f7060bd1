"""``python -m rome_export`` runs the command line."""

from rome_export.cli import main

main()
