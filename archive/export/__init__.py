"""Exports of the archive for other replay tools: a pywb collection and a WACZ file."""
