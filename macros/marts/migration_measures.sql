{#-
    Measures of the published release, written once.
    Percentages are computed unrounded in double precision; rounding happens only where
    a figure is shown (`round_half_away_from_zero`).
-#}

{#- A share in percent: part ÷ total × 100; null when the total is zero or null. -#}
{% macro share_pct(part, total) -%}
    case
        when {{ total }} is null or {{ total }} = 0 then null
        else cast({{ part }} as double precision) / {{ total }} * 100
    end
{%- endmacro %}

{#-
    The change on a base in percent: (current ÷ previous − 1) × 100; null when the base
    is missing or zero (a change on a zero base is undefined, never infinite).
-#}
{% macro change_pct(current_value, previous_value) -%}
    case
        when {{ previous_value }} is null or {{ previous_value }} = 0 then null
        else (cast({{ current_value }} as double precision) / {{ previous_value }} - 1) * 100
    end
{%- endmacro %}

{#-
    A flow per 1,000 population: flow ÷ population × 1,000; null without a population.
-#}
{% macro per_thousand(flow, population) -%}
    case
        when {{ population }} is null or {{ population }} = 0 then null
        else cast({{ flow }} as double precision) / {{ population }} * 1000
    end
{%- endmacro %}

{#-
    Rounds `expression` to `decimals` places, halves away from zero, as BNS shows figures.
    `decimals` may be a column holding `min_decimals` .. `max_decimals`; a negative number
    of places rounds to tens, hundreds … (-2: a count published in thousands with one
    decimal). The value first becomes a
    numeric with 9 decimals, which removes the binary noise of a double (33.75 stored as
    33.74999…) before the decimal rounding, done by `round(numeric)` — halves away from
    zero on DuckDB and PostgreSQL alike. The result is numeric(20, max_decimals).
-#}
{% macro round_half_away_from_zero(expression, decimals, max_decimals=3, min_decimals=0) -%}
    cast(
        case
        {%- for places in range(min_decimals, max_decimals + 1) %}
            when {{ decimals }} = {{ places }}
                then round(cast({{ expression }} as numeric(28, 9)), {{ places }})
        {%- endfor %}
        end
        as numeric(20, {{ max_decimals }})
    )
{%- endmacro %}

{#-
    The country totals of the extract spec, as sum columns over `aggregated` (coupon counts
    with flow_code, coupon_type_code, is_cis and coupon_count): arrivals in and departures
    from the country (external A and D coupons), their CIS parts, and the people moving
    within the country (internal A coupons), interregional and intraregional.
    Arguments:
      aggregated: name of the CTE (or relation) with the aggregated coupons.
-#}
{% macro country_flow_sums(aggregated) -%}
    sum(
        case
            when {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'A'
                then {{ aggregated }}.coupon_count
            else 0
        end
    ) as arrivals,
    sum(
        case
            when {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'D'
                then {{ aggregated }}.coupon_count
            else 0
        end
    ) as departures,
    sum(
        case
            when
                {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'A'
                and {{ aggregated }}.is_cis
                then {{ aggregated }}.coupon_count
            else 0
        end
    ) as cis_arrivals,
    sum(
        case
            when
                {{ aggregated }}.flow_code = 'external' and {{ aggregated }}.coupon_type_code = 'D'
                and {{ aggregated }}.is_cis
                then {{ aggregated }}.coupon_count
            else 0
        end
    ) as cis_departures,
    sum(
        case
            when {{ aggregated }}.flow_code = 'interregional' then {{ aggregated }}.coupon_count
            else 0
        end
    ) as interregional_migrants,
    sum(
        case
            when {{ aggregated }}.flow_code = 'intraregional' then {{ aggregated }}.coupon_count
            else 0
        end
    ) as intraregional_migrants
{%- endmacro %}

{#-
    A revision in percent of the first published value: (later − first) ÷ |first| × 100;
    null when either value is missing or the first is zero. The absolute value keeps the
    sign of the revision for a negative first value (a net outflow revised upwards is a
    positive revision), as revision analyses of official statistics do.
-#}
{% macro revision_pct(later_value, first_value) -%}
    case
        when {{ later_value }} is null or {{ first_value }} is null or {{ first_value }} = 0
            then null
        else cast({{ later_value }} - {{ first_value }} as double precision)
            / abs({{ first_value }}) * 100
    end
{%- endmacro %}

{#-
    A one-column relation `measure_code` listing `measure_codes` (a list of strings), one
    row each: the measures a long (unpivoted) table has a row for.
-#}
{% macro measure_codes(measure_codes) -%}
    {%- for measure_code in measure_codes %}
    select '{{ measure_code }}' as measure_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The cumulative periods January–M of monthly figures, written once: emits the body of a
    CTE over `monthly` (a relation with release_id, registration_year and
    registration_month), one row per evaluation × period (period_year, period_end_month:
    every month the evaluation reports) × `key_columns`, each of `sum_columns` summed over
    the months 1..period_end_month of period_year.
    Arguments:
      monthly: name of the CTE (or relation) with the monthly figures.
      key_columns: list of further columns kept as they are (e.g. ['region_code']).
      sum_columns: list of the columns to cumulate.
-#}
{% macro cumulated_from_january(monthly, key_columns, sum_columns) -%}
    select
        periods.release_id,
        periods.period_year,
        periods.period_end_month,
        {%- for column in key_columns %}
        {{ monthly }}.{{ column }},
        {%- endfor %}
        {%- for column in sum_columns %}
        sum({{ monthly }}.{{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select distinct
            release_id,
            registration_year as period_year,
            registration_month as period_end_month
        from {{ monthly }}
    ) as periods
    inner join {{ monthly }}
        on
            periods.release_id = {{ monthly }}.release_id
            and periods.period_year = {{ monthly }}.registration_year
            and periods.period_end_month >= {{ monthly }}.registration_month
    group by
        periods.release_id,
        periods.period_year,
        periods.period_end_month
        {%- for column in key_columns %},
        {{ monthly }}.{{ column }}
        {%- endfor %}
{%- endmacro %}

{#-
    The intensity of migration, written once: three select-list columns, the arrivals,
    departures and net migration (arrivals − departures) per 1,000 of `population` (null
    or zero: nulls) of a relation with arrivals and departures, named by `names`: a rate's
    name says what it counts and on which population (rate_names).
    Arguments:
      population: the column (or expression) of the population, default `population`.
      names: the three column names (arrivals, departures, net), default the region tables'
        `<measure>_per_1000_basis_population` (every move, on the table's basis).
-#}
{% macro per_thousand_columns(population='population', names=none) -%}
    {%- set names = names or [
        'arrivals_per_1000_basis_population',
        'departures_per_1000_basis_population',
        'net_migration_per_1000_basis_population',
    ] -%}
    cast({{ per_thousand('arrivals', population) }} as double precision) as {{ names[0] }},
    cast({{ per_thousand('departures', population) }} as double precision) as {{ names[1] }},
    cast({{ per_thousand('arrivals - departures', population) }} as double precision)
        as {{ names[2] }}
{%- endmacro %}
