"""`python -m tracker` is the `tracker` command (guarded: importing this module runs nothing)."""

from .cli import main

if __name__ == "__main__":
    main()
