"""WARC files: writing, reading, validating, sealing, recovering, and their CDXJ index."""
