import pytest

from .. import demo_images, renditions


@pytest.fixture
def fast_pictures(monkeypatch):
    """WebP pictures and copies encoded at Pillow's fastest ``method``: the same sizes and the same files
    written, for tests that check those rather than how small the files are (several times less CPU)."""
    for module in (demo_images, renditions):
        monkeypatch.setattr(module, "WEBP_OPTIONS", {**module.WEBP_OPTIONS, "method": 0})
