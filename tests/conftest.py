"""Suite-wide settings.

Under CI (the CI environment variable is set) hypothesis draws the same
examples on every run: a submission must not pass or fail by the luck of the
draw. Locally it keeps exploring new examples, which is how bugs are found.
"""
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
