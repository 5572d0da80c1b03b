{#-
    The region rule of the extract spec, written once and applied once, in
    int_region_flows_evaluated (every evaluation and cell shape; the marts read it there).

    Emits the body of a CTE over `aggregated`, a relation of coupons aggregated with the
    columns `grain_columns`, region_code, counterpart_region_code, flow_code,
    coupon_type_code and coupon_count. Each output row is one end of a move seen from one
    region, with five count columns:
      - every coupon at its region_code: an external A coupon is an external arrival, an
        external D coupon an external departure (region_code is the region left), an
        interregional A coupon an interregional arrival at its destination, an
        intraregional A coupon an intraregional move (arrival and departure at once);
      - every interregional coupon again at its counterpart_region_code, as an
        interregional departure from its origin.
    Sum the rows by grain and region to get the region's split.

    Arguments:
      aggregated: name of the CTE (or relation) with the aggregated coupons.
      grain_columns: list of columns kept as they are (e.g. ['release_id']).
-#}
{% macro region_flow_ends(aggregated, grain_columns) -%}
    select
        {%- for column in grain_columns %}
        {{ aggregated }}.{{ column }},
        {%- endfor %}
        {{ aggregated }}.region_code,
        case
            when {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'A'
                then {{ aggregated }}.coupon_count
            else 0
        end as external_arrivals,
        case
            when {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'D'
                then {{ aggregated }}.coupon_count
            else 0
        end as external_departures,
        case
            when {{ aggregated }}.flow_code = 'interregional'
                then {{ aggregated }}.coupon_count
            else 0
        end as interregional_arrivals,
        0 as interregional_departures,
        case
            when {{ aggregated }}.flow_code = 'intraregional'
                then {{ aggregated }}.coupon_count
            else 0
        end as intraregional_moves
    from {{ aggregated }}

    union all

    select
        {%- for column in grain_columns %}
        {{ aggregated }}.{{ column }},
        {%- endfor %}
        {{ aggregated }}.counterpart_region_code as region_code,
        0 as external_arrivals,
        0 as external_departures,
        0 as interregional_arrivals,
        {{ aggregated }}.coupon_count as interregional_departures,
        0 as intraregional_moves
    from {{ aggregated }}
    where {{ aggregated }}.flow_code = 'interregional'
{%- endmacro %}

{#-
    True when the region of `regions` (a relation alias with valid_from_date and
    valid_to_date, null = open) is in force on at least one day between `start_date` and
    `end_date` (both inclusive).
-#}
{% macro region_in_force_between(regions, start_date, end_date) -%}
    ({{ regions }}.valid_from_date is null or {{ regions }}.valid_from_date <= {{ end_date }})
    and ({{ regions }}.valid_to_date is null or {{ regions }}.valid_to_date >= {{ start_date }})
{%- endmacro %}

{#-
    True when the row of `validity` (an alias with valid_from_date and valid_to_date,
    null = open) is valid on `on_date`.
-#}
{% macro is_valid_on(validity, on_date) -%}
    ({{ validity }}.valid_from_date is null or {{ validity }}.valid_from_date <= {{ on_date }})
    and ({{ validity }}.valid_to_date is null or {{ validity }}.valid_to_date >= {{ on_date }})
{%- endmacro %}
