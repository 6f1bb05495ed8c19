"""The PostgreSQL back end (asyncpg): ``storage.PostgresStorage``."""
