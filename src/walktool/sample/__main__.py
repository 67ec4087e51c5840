"""``python -m walktool.sample OUT_DIR [--seed N] [--scale X]``: write the sample campaigns."""

from walktool.sample.command import main

raise SystemExit(main())
