"""``python -m refnet.api.cli``: the same as the ``refnet`` script."""

from . import main

if __name__ == "__main__":  # pragma: no cover
    main()
