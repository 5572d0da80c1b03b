{#-
    What of a row's period a release table shows, written once for every release table (the
    `latest` evaluation counts years and months past its period: doc block
    latest_period_rule). By year: every earlier year, and the release's own year only when
    its period is the whole year. By month: every month up to the end of the period.
    Arguments:
      releases: alias of the relation with the release's `period_year` and
        `period_end_month` (dim_release).
      year: the row's year (an SQL expression).
      month: the row's month (an SQL expression); none for a table by year.
-#}
{% macro is_shown_in_release_period(releases, year, month=none) -%}
    {%- if month is none -%}
        (
            {{ year }} < {{ releases }}.period_year
            or ({{ year }} = {{ releases }}.period_year and {{ releases }}.period_end_month = 12)
        )
    {%- else -%}
        {{ year }} * 12 + {{ month }}
        <= {{ releases }}.period_year * 12 + {{ releases }}.period_end_month
    {%- endif %}
{%- endmacro %}
