{#-
    Let a role look into one schema (USAGE), so that the SELECT granted on its tables by
    dbt's grants config can be used. Run as an on-run-end hook for the BI role and the
    marts schema. PostgreSQL only: DuckDB has no roles, so the default does nothing.
-#}
{% macro grant_schema_usage(schema_name, role_name) -%}
    {{- return(adapter.dispatch('grant_schema_usage', 'kz_migration')(schema_name, role_name)) -}}
{%- endmacro %}

{% macro default__grant_schema_usage(schema_name, role_name) -%}
{%- endmacro %}
