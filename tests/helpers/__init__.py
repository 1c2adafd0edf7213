"""Helpers shared by test folders (``from tests.helpers.served import ...``)."""
