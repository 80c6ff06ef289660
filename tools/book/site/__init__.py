"""The site: an MkDocs plugin (entry point `book`) over the Book and the checks."""
