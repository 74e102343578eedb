"""Captures as they were served: finding them in the WARC files and rewriting them for the browser."""
