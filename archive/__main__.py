"""`python -m archive` is `portal-archive`."""

from archive.cli import main

if __name__ == "__main__":
    main(prog_name="portal-archive")
