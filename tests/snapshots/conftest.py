from tests.tui.conftest import app_factory, sample_db, sample_template  # noqa: F401  (shared fixtures)
