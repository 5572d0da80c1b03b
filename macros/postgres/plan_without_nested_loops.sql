{#- PostgreSQL: no nested-loop joins in the model's transaction (SET LOCAL ends with it). -#}
{% macro postgres__plan_without_nested_loops() -%}
    set local enable_nestloop = off
{%- endmacro %}
