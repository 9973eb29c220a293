"""The browser tests' session: the web edition's build starts in the background as soon as
the tests are collected, when a test asks for the built site (``tests/site_background.py``)."""

import os

import site_background


def pytest_collection_finish(session):
    if os.environ.get("CNNLESSONS_SITE") or session.config.option.collectonly:
        return
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the fixture builds
        return
    if any("site" in getattr(item, "fixturenames", ()) for item in session.items):
        site_background.start()


def pytest_sessionfinish(session):
    site_background.stop()
