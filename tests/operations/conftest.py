"""Operations tests run real worker processes on PostgreSQL and Redis, as tests/reliability/
does: its fixtures are shared here (skip on a laptop without them, fail in CI)."""

from __future__ import annotations

from tests.reliability.conftest import postgresql, redis_server_program  # noqa: F401 (fixtures)
