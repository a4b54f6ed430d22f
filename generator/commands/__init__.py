"""One module per ``kb`` command; ``generator.cli`` holds only their command-line wiring."""
