{#-
    The age groups of a counted coupon, written once for its versions and its duplicate
    registrations (int_coupon_counts_evaluated, cell shape `person`). Emits two select-list columns over
    `relation` (with age_years: completed years on the registration date, null = not
    stated) joined to `bounds` (the working-age bounds of the registration year and sex:
    year, working_age_from_years, working_age_to_years, above_working_age_from_years;
    for sex `U` the ages on which both sexes agree):
      - five_year_age_from_years: the first year of the five-year group (0, 5, … 75; 80 for
        80 and over), null when the age is not stated;
      - working_age_group_code: `UWA` under working age, `WA` working age, `OWA` above
        working age, `WA_U` not stated or not determined: no age, sex not stated at an age
        where the sexes' bounds differ, or a registration year the seed has no bounds for
        (extract spec 1.2: missing reference data for a year make what depends on them
        "not determined"; the coupon is counted, and audit.reference_years_not_covered
        names the year).
    Arguments:
      relation: alias of the relation with age_years.
      bounds: alias of the joined working-age bounds.
-#}
{% macro age_group_columns(relation, bounds) -%}
    case
        when {{ relation }}.age_years is null then null
        when {{ relation }}.age_years >= 80 then 80
        else cast(floor({{ relation }}.age_years / 5.0) as integer) * 5
    end as five_year_age_from_years,
    case
        when {{ bounds }}.year is null then 'WA_U'
        when {{ relation }}.age_years is null then 'WA_U'
        when {{ relation }}.age_years < {{ bounds }}.working_age_from_years then 'UWA'
        when {{ relation }}.age_years <= {{ bounds }}.working_age_to_years then 'WA'
        when {{ relation }}.age_years >= {{ bounds }}.above_working_age_from_years then 'OWA'
        else 'WA_U'
    end as working_age_group_code
{%- endmacro %}
