"""``vidcamp reject``: lives with ``approve`` in ``vidcamp.cli.approve``."""

from vidcamp.cli.approve import reject as command

__all__ = ["command"]
