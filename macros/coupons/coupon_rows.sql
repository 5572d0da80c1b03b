{#-
    The coupon rows of int_coupon_rows_checked: what makes two rows identical (step 2 of
    the extract spec), and when the incremental table must be rebuilt from every landed
    row instead of only from the coupons the new deliveries carry.
-#}

{#-
    The columns two input rows must share to be identical rows, as a comma-separated SQL
    list over the staged columns (trimmed, codes case-normalised): the two dates compare as
    the dates they denote where they are valid dates, and as their trimmed text otherwise.
    Used as the partition of a window, so that one rule serves every row set.
-#}
{% macro identical_row_columns() -%}
    coupon_id,
    coupon_type_code,
    registration_date,
    case when registration_date is null then registration_date_raw end,
    person_id_hash,
    sex_raw,
    birth_date,
    case when birth_date is null then birth_date_raw end,
    citizenship_raw,
    ethnicity_code_raw,
    kato_code,
    counterpart_country_code,
    counterpart_kato_code,
    reason_code_raw,
    submitted_at,
    record_status_code
{%- endmacro %}


{#-
    The cell a counted coupon is counted in: the columns int_coupon_counts_evaluated groups
    the counts by, which int_duplicate_registrations_identified carries for each interval.
-#}
{% macro coupon_count_cell_columns() -%}
    {{- return([
        'registration_year',
        'registration_month',
        'coupon_type_code',
        'flow_code',
        'region_code',
        'counterpart_region_code',
        'counterpart_country_code',
        'is_cis',
        'ethnic_group_code',
    ]) -}}
{%- endmacro %}


{#-
    The person's attributes a counted coupon is also counted by (sex, age in completed
    years, citizenship, reason), in the cell shapes `person` and `reason_citizenship` of
    int_coupon_counts_evaluated, which int_duplicate_registrations_identified
    carries for each interval as well. Never the person hash or the birth date.
-#}
{% macro person_attribute_columns() -%}
    {{- return(['sex_code', 'age_years', 'citizenship_code', 'reason_code']) -}}
{%- endmacro %}


{#-
    A fingerprint of the reference data the checks of int_coupon_rows_checked read (the
    seeds regions, countries, ethnic_groups and reasons): the md5 of their file checksums
    as dbt computed them when it parsed the project. A row checked against other reference
    data carries another fingerprint.
-#}
{% macro reference_data_checksum() -%}
    {%- set checksums = [] -%}
    {%- for seed_name in ['regions', 'countries', 'ethnic_groups', 'reasons'] -%}
        {%- set node = graph.get('nodes', {}).get('seed.' ~ project_name ~ '.' ~ seed_name) -%}
        {%- do checksums.append(seed_name ~ '=' ~ (node.checksum.checksum if node else 'missing')) -%}
    {%- endfor -%}
    {{- return(local_md5(checksums | join(';'))) -}}
{%- endmacro %}


{#-
    True when the incremental table `relation` (int_coupon_rows_checked) holds rows checked
    against reference data other than today's (reference_data_checksum): the build then
    checks every landed row again instead of only the coupons of the new deliveries, and
    says so in dbt's log. False at parse time and when the table is empty or consistent.
-#}
{% macro coupon_rows_rebuild_required(relation) -%}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set current = reference_data_checksum() -%}
    {%- set query -%}
        select count(*) from (
            select distinct reference_data_checksum from {{ relation }}
        ) as checksums
        where reference_data_checksum != '{{ current }}'
    {%- endset -%}
    {%- set stale = run_query(query).columns[0].values()[0] -%}
    {%- if stale | int > 0 -%}
        {{ log(
            "kzmig: the reference data (regions, countries, ethnic groups, reasons) changed "
            ~ "since " ~ relation ~ " was built: every landed row is checked again (full rebuild)",
            info=True
        ) }}
        {{- return(true) -}}
    {%- endif -%}
    {{- return(false) -}}
{%- endmacro %}


{#-
    A 64-bit hash of the SQL expressions `columns` (a list), for grouping wide keys cheaply
    before comparing them exactly; equal values give equal hashes, unequal values almost
    never do (callers compare the real values afterwards).
-#}
{% macro key_hash(columns) -%}
    {{- return(adapter.dispatch('key_hash', 'kz_migration')(columns)) -}}
{%- endmacro %}

{% macro default__key_hash(columns) -%}
    hashtextextended(concat_ws('|', {{ columns | join(', ') }}), 0)
{%- endmacro %}

{% macro duckdb__key_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
