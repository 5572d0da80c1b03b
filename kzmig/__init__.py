"""kzmig: the thin command line around the kz_migration dbt project."""
