{#-
    The protection status of a cell the release shows, as SDMX's CL_CONF_STATUS codes it:
    `F` published; `C` withheld because the count is 1 or 2 (primary); `D` withheld to
    protect another cell (secondary), and every withheld net migration (a difference of
    counts). Read from the flags of the people's marts (`<measure>_is_suppressed`), never
    decided here.
    Arguments:
      value: the exact count (an SQL expression).
      is_suppressed: the mart's flag for that count (an SQL expression).
      is_difference: true for a net migration (never a primary cell).
-#}
{% macro cell_status(value, is_suppressed, is_difference=false) -%}
    case
        when not {{ is_suppressed }} then 'F'
        {%- if not is_difference %}
        when {{ value }} between 1 and 2 then 'C'
        {%- endif %}
        else 'D'
    end
{%- endmacro %}


{#-
    A count as the release shows it: null when the release withholds it (the exact count
    stays in the mart).
    Arguments:
      value: the exact count (an SQL expression).
      is_suppressed: the mart's flag for that count (an SQL expression).
-#}
{% macro shown_count(value, is_suppressed) -%}
    case when {{ is_suppressed }} then null else {{ value }} end
{%- endmacro %}
