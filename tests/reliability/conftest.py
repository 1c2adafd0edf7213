from tests.helpers.served import served_sandbox, served_sandbox_factory  # noqa: F401
