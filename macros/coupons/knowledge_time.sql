{#-
    Knowledge time of the coupon versions (the extract spec's data cut-off). A version is
    known from its submitted_at (valid_from_at) until the next version of the same coupon
    arrives (valid_to_at, null while it is the latest). The counted set as of a cut-off is
    then a filter on these intervals, never a recomputation.
-#}

{#-
    The cut-off of this build as a SQL timestamp literal, or none when var('cutoff') is
    not set (everything landed counts). var('cutoff') is written YYYY-MM-DDTHH:MM:SS or
    YYYY-MM-DD HH:MM:SS; anything else stops the build.
-#}
{% macro coupon_cutoff_at() %}
    {%- set cutoff = var('cutoff', none) -%}
    {%- if cutoff is none or (cutoff | string | trim | lower) in ('', 'none', 'null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set cutoff_text = cutoff | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}', cutoff_text) -%}
        {{ exceptions.raise_compiler_error(
            "var('cutoff') must be a timestamp YYYY-MM-DDTHH:MM:SS (or null), got '" ~ cutoff_text ~ "'"
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ cutoff_text | replace('T', ' ') ~ "' as timestamp)") }}
{% endmacro %}


{#-
    True when the knowledge interval [valid_from, valid_to) holds the moment `known_at`
    (a SQL timestamp expression); with known_at none (no cut-off: everything landed is
    known) the interval must still be open.
    Arguments:
      valid_from: column of the interval's start (inclusive).
      valid_to: column of the interval's end (exclusive; null = open).
      known_at: SQL timestamp expression, or none.
-#}
{% macro is_known_at(valid_from, valid_to, known_at) -%}
    {%- if known_at is none -%}
        ({{ valid_to }} is null)
    {%- else -%}
        ({{ valid_from }} <= {{ known_at }} and ({{ valid_to }} is null or {{ valid_to }} > {{ known_at }}))
    {%- endif -%}
{%- endmacro %}


{#-
    True when a row submitted at `submitted_at` lies after the cut-off `known_at` (a SQL
    timestamp expression); never true without a cut-off (known_at none).
-#}
{% macro is_after_cutoff(submitted_at, known_at) -%}
    {%- if known_at is none -%}
        false
    {%- else -%}
        ({{ submitted_at }} > {{ known_at }})
    {%- endif -%}
{%- endmacro %}
