{#-
    Use a model's custom schema exactly as named (reference, staging, intermediate,
    marts, audit) instead of dbt's default "<target schema>_<custom schema>".
    Models without a custom schema go to the target's schema.
    PostgreSQL: the marts are built into the private schema `marts_build`; the on-run-end
    hook publish_marts copies them into `marts`, which BI tools read, at once, only after
    a successful build (macros/publish/publish_marts.sql).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' and target.type == 'postgres' -%}
        marts_build
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
