"""Checks: each takes the Book and returns findings. No check imports a command or the site."""
