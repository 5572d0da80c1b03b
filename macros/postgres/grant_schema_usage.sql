{#-
    PostgreSQL: grant USAGE on the schema to the role, if the schema exists yet
    (a `dbt seed` alone builds no marts).
-#}
{% macro postgres__grant_schema_usage(schema_name, role_name) -%}
    do $grant$
    begin
        if exists (select from pg_namespace where nspname = '{{ schema_name }}') then
            grant usage on schema {{ adapter.quote(schema_name) }} to {{ adapter.quote(role_name) }};
        end if;
    end
    $grant$
{%- endmacro %}
