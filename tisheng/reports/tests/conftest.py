import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Report files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
