import sys

from vidukit.cli import main

sys.exit(main())
