{#-
    Pre-hook of the coupon-level models (intermediate/coupons and audit, dbt_project.yml):
    their joins are equi-joins over millions of coupon rows, which a nested loop makes
    quadratic. PostgreSQL's estimates of the CTEs between them can be off by a factor of
    millions (an anti-join of the calibrated world estimated at 1 row returned 6.6 M, and
    an inner CTE of 96,100 rows estimated at 1), and then, on some samples of ANALYZE, it
    chose a nested loop that ran for hours where a hash join takes a minute. The
    PostgreSQL implementation turns nested loops off for the model's own transaction
    (SET LOCAL); DuckDB plans these joins as hash joins itself: the default does nothing.
-#}
{% macro plan_without_nested_loops() -%}
    {{- return(adapter.dispatch('plan_without_nested_loops', 'kz_migration')()) -}}
{%- endmacro %}

{% macro default__plan_without_nested_loops() -%}
{%- endmacro %}
