"""An offline, deterministic replica of the Thọ Xuân district portal: the stand-in every test, demo and benchmark crawls."""
