"""The schedule: schedule.yaml read and validated, and the runner of its jobs."""
