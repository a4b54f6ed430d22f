"""Allow ``python -m generator`` as a synonym for the ``kb`` command."""

from generator.cli import main

main()
