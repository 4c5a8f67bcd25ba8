import sys

from djstarter.cli import main

sys.exit(main())
