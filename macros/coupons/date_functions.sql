{#-
    Portable parsing of the extract's dates and timestamps: a value is accepted only when
    it has exactly the spec's form and is a real calendar date, otherwise it becomes null.
    No engine-specific try_cast is needed: the digits are checked by a regular expression
    first (in an outer CASE, so PostgreSQL never casts a non-digit) and the calendar by
    arithmetic, so the final make_date never fails.
-#}

{#- True when year/month/day (integer expressions) form a real date of the Gregorian calendar. -#}
{% macro is_calendar_date(year, month, day) -%}
    (
        {{ year }} >= 1
        and {{ month }} between 1 and 12
        and {{ day }} >= 1
        and {{ day }} <= case
            when {{ month }} in (4, 6, 9, 11) then 30
            when {{ month }} <> 2 then 31
            when mod({{ year }}, 400) = 0 then 29
            when mod({{ year }}, 100) = 0 then 28
            when mod({{ year }}, 4) = 0 then 29
            else 28
        end
    )
{%- endmacro %}


{#- The date of the trimmed text `expression` written YYYY-MM-DD or DD.MM.YYYY; null otherwise. -#}
{% macro coupon_date_from_text(expression) -%}
    {%- set iso_year = 'cast(substr(' ~ expression ~ ', 1, 4) as integer)' -%}
    {%- set iso_month = 'cast(substr(' ~ expression ~ ', 6, 2) as integer)' -%}
    {%- set iso_day = 'cast(substr(' ~ expression ~ ', 9, 2) as integer)' -%}
    {%- set dotted_year = 'cast(substr(' ~ expression ~ ', 7, 4) as integer)' -%}
    {%- set dotted_month = 'cast(substr(' ~ expression ~ ', 4, 2) as integer)' -%}
    {%- set dotted_day = 'cast(substr(' ~ expression ~ ', 1, 2) as integer)' -%}
    case
        when {{ regexp_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
            then case
                when {{ is_calendar_date(iso_year, iso_month, iso_day) }}
                    then make_date({{ iso_year }}, {{ iso_month }}, {{ iso_day }})
            end
        when {{ regexp_full_match(expression, '[0-9]{2}[.][0-9]{2}[.][0-9]{4}') }}
            then case
                when {{ is_calendar_date(dotted_year, dotted_month, dotted_day) }}
                    then make_date({{ dotted_year }}, {{ dotted_month }}, {{ dotted_day }})
            end
    end
{%- endmacro %}


{#- True when the trimmed text `expression` is a real timestamp written YYYY-MM-DDTHH:MM:SS. -#}
{% macro is_coupon_timestamp(expression) -%}
    {%- set year = 'cast(substr(' ~ expression ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substr(' ~ expression ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substr(' ~ expression ~ ', 9, 2) as integer)' -%}
    case
        when {{ regexp_full_match(expression, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}') }}
            then
                {{ is_calendar_date(year, month, day) }}
                and cast(substr({{ expression }}, 12, 2) as integer) <= 23
                and cast(substr({{ expression }}, 15, 2) as integer) <= 59
                and cast(substr({{ expression }}, 18, 2) as integer) <= 59
        else false
    end
{%- endmacro %}


{#- The timestamp of trimmed text `expression` written YYYY-MM-DDTHH:MM:SS; null otherwise. -#}
{% macro coupon_timestamp_from_text(expression) -%}
    case
        when {{ is_coupon_timestamp(expression) }}
            then cast(replace({{ expression }}, 'T', ' ') as timestamp)
    end
{%- endmacro %}

