"""vidcamp: one YAML campaign spec in, platform-ready short videos out, published on schedule."""

__version__ = "0.1.0"
