"""`python -m tracker` is the `tracker` command (guarded: a process the publish starts with
multiprocessing's "spawn" imports this module again, and must not run the command)."""

from .cli import main

if __name__ == "__main__":
    main()
