"""The `book` command: argument handling and reporting over the checks."""
