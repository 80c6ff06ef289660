"""Executing the book's notebooks: the inputs key of a run, the store of passing runs, the parallel runner."""
