"""What an operator does with an archive: crawl, verify, rebuild, report."""
