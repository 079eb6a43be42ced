"""The version of s2s (pyproject.toml states the same; tests/test_install.py keeps them equal)."""
VERSION = "0.1.0"
