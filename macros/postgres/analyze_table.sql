{#- PostgreSQL: ANALYZE the model's table (views and ephemeral models have nothing to analyze). -#}
{% macro postgres__analyze_table(relation) -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ relation }}
    {%- endif -%}
{%- endmacro %}
