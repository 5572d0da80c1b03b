{#-
    dbt's get_where_subquery (the relation a data test reads, filtered by its `where`
    config), with one addition: `where: "__last_build__ <column>"` reads only the rows the
    last build wrote, those whose <column> (a timestamp every build sets to its start:
    stg_coupons__extract_rows.ingested_at, int_coupon_rows_checked.checked_at) is the
    table's latest. For the tests of the coupon-level tables whose guarantee holds row by
    row: the rows of earlier builds were tested when they were written and have not changed
    since, so an incremental build tests what it wrote, not every landed row again (a full
    build writes, and tests, every row). Any other `where` is dbt's.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and where.startswith('__last_build__ ') -%}
        {%- set column = where.split(' ')[1] -%}
        {%- set filtered -%}
            (
                select * from {{ relation }}
                where {{ column }} = (select max({{ column }}) from {{ relation }})
            ) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) -%}
{%- endmacro %}
