{#-
    Refresh the planner statistics of a table the build has just created, as a post-hook of
    every model. PostgreSQL plans a freshly created table without statistics (it guesses a
    few rows), and then chooses nested-loop joins that take minutes on the coupon tables;
    autovacuum analyzes them only later. DuckDB keeps its statistics itself: the default
    does nothing.
-#}
{% macro analyze_table(relation) -%}
    {{- return(adapter.dispatch('analyze_table', 'kz_migration')(relation)) -}}
{%- endmacro %}

{% macro default__analyze_table(relation) -%}
{%- endmacro %}
