from alembic import context

from dsar.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite migrations rebuild a table to alter it (copy, drop, rename). With foreign keys
        # on, dropping the old table would delete every row that references it with ON DELETE
        # CASCADE (a request's events, files, drafts): they are off while migrating, and
        # checked once at the end instead. The pragma only takes effect outside a transaction.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:  # rolls the whole migration back
                    raise RuntimeError(f"migration left {len(broken)} rows with a broken reference")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
