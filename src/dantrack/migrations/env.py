"""Alembic's environment: runs the migrations on the connection dantrack hands over.

dantrack.migrations.migrate() passes a connection already inside its transaction (holding the
write lock), so every revision of one upgrade commits or rolls back together. Without one
(a developer's `command.revision(config(), autogenerate=True)` with sqlalchemy.url set), it
opens its own.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from dantrack import models  # noqa: F401  (registers the tables on SQLModel.metadata)


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url on the Alembic config to run without dantrack")
    with create_engine(url, hide_parameters=True).begin() as connection:
        run(connection)
