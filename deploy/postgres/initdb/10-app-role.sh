#!/bin/sh
# Run once by the postgres image on a new data volume (docker-entrypoint-initdb.d).
# The app connects as trust_si_app: not a superuser, not the tables' owner, no BYPASSRLS, so
# PostgreSQL's row-level security holds it to the trust in scope (docs/security.md).
# Migrations run as $POSTGRES_USER, which owns the tables and grants trust_si_app its rights.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$APP_DB_PASSWORD" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE trust_si_app LOGIN PASSWORD :'app_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
GRANT CONNECT ON DATABASE :"DBNAME" TO trust_si_app;
GRANT USAGE ON SCHEMA public TO trust_si_app;
SQL
