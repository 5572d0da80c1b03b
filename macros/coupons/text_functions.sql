{#-
    Small portable text helpers for reading coupon extracts. Every engine difference goes
    through adapter.dispatch; the default implementations are plain SQL that PostgreSQL
    also runs.
-#}

{#- The value with surrounding white space (space, tab, CR, LF) removed; empty becomes null. -#}
{% macro trim_to_null(expression) -%}
    {{ return(adapter.dispatch('trim_to_null', 'kz_migration')(expression)) }}
{%- endmacro %}

{% macro default__trim_to_null(expression) -%}
    nullif(trim(both ' ' || chr(9) || chr(10) || chr(13) from {{ expression }}), '')
{%- endmacro %}

{#- DuckDB's trim with a character set is three times slower than a regular-expression test,
    and almost no value needs trimming: trim only those that do. -#}
{% macro duckdb__trim_to_null(expression) -%}
    nullif(
        case
            when regexp_matches({{ expression }}, '^[ \t\n\r]|[ \t\n\r]$')
                then trim(both ' ' || chr(9) || chr(10) || chr(13) from {{ expression }})
            else {{ expression }}
        end,
        ''
    )
{%- endmacro %}


{#- True when the whole of `expression` matches the regular expression `pattern`. -#}
{% macro regexp_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'kz_migration')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expression, pattern) -%}
    coalesce(({{ expression }}) ~ '^({{ pattern }})$', false)
{%- endmacro %}

{% macro duckdb__regexp_full_match(expression, pattern) -%}
    coalesce(regexp_full_match({{ expression }}, '{{ pattern }}'), false)
{%- endmacro %}


{#-
    `expression` for comparing and ordering text byte by byte ("compared as text"), the same
    on every engine: PostgreSQL databases often use a locale collation that ignores
    punctuation, DuckDB compares bytes already.
-#}
{% macro binary_text(expression) -%}
    {{ return(adapter.dispatch('binary_text', 'kz_migration')(expression)) }}
{%- endmacro %}

{% macro default__binary_text(expression) -%}
    ({{ expression }} collate "C")
{%- endmacro %}

{% macro duckdb__binary_text(expression) -%}
    {{ expression }}
{%- endmacro %}
