"""The book in print and as an e-book: Typst for the PDF, pandoc for the EPUB and the editor's .docx.

A top layer beside commands/ and site/: it reads the book through reading/ and checks/, never through the site."""
