"""The book as read: files, Markdown, the TOC model, the source registry, citations, prose units. No command logic."""
