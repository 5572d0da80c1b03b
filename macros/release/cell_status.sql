{#-
    The protection status of a cell the release shows, as SDMX's CL_CONF_STATUS codes it:
    `F` published; `C` withheld because the count is 1 or 2 (primary); `D` withheld to
    protect another cell (secondary). Read from the reason the people's marts give
    (`<measure>_withheld_reason_code`, macro hypercube_cell_suppression), never decided here.
    Arguments:
      withheld_reason_code: the mart's reason for withholding the count, null when published
        (an SQL expression).
-#}
{% macro cell_status(withheld_reason_code) -%}
    case {{ withheld_reason_code }}
        when 'primary' then 'C'
        when 'secondary' then 'D'
        else 'F'
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
