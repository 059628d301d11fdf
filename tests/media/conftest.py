from tests.render.conftest import _private_cache_dir, media

__all__ = ["_private_cache_dir", "media"]
