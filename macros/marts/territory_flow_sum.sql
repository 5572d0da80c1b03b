{#- A territory's arrivals or departures summed over its regions' rows (doc block arrivals):
    a region's own flow, but for the republic (the rollup's total row, `is_republic`) the
    moves across the border only, since moves between its regions stay inside it. -#}
{% macro territory_flow_sum(relation, flow, is_republic) -%}
    case
        when {{ is_republic }} then sum({{ relation }}.external_{{ flow }})
        else sum({{ relation }}.{{ flow }})
    end
{%- endmacro %}
