"""``python -m walktool``."""

from walktool.cli import main

main()
