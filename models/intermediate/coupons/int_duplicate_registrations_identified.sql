-- Step 6 of the extract spec in knowledge time: among the coupons that pass the checks and
-- share a non-empty person_id_hash, coupon_type, registration_date and kato_code, the one
-- with the smallest coupon_id counts and the others are duplicate registrations. Which
-- coupons pass changes as versions arrive, so each registration shared by several coupons
-- is cut into knowledge-time intervals at every submitted_at of its versions; within an
-- interval the set of passing coupons is fixed and is ranked once.
-- Registrations are first grouped by a 64-bit hash of their four values (cheap at national
-- scale, where the hash table of 27 M wide keys spilled); only the few shared hashes are
-- compared on the values themselves. The coupon rows are read `not materialized` (each
-- reader scans the table itself instead of a copy of every passed row; DEVELOPERS.md).
-- Each interval carries the cell of the duplicate's version during it (its version does not
-- change within an interval: every submitted_at of it cuts one), so that the counts take
-- the duplicate out of the right cell without reading the coupon rows again.
{%- set registration_columns = [
    'person_id_hash', 'coupon_type_code', 'registration_date', 'kato_code'
] %}
{#- the cell of the counts and the person's attributes the people's counts are counted by,
    less coupon_type_code (already part of the registration) #}
{%- set cell_columns = (coupon_count_cell_columns() + person_attribute_columns())
    | reject('equalto', 'coupon_type_code') | list %}

with

versions as not materialized (

    select * from {{ ref('int_coupon_rows_checked') }}

),

passed_registrations as not materialized (

    select
        coupon_id,
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code,
        valid_from_at,
        valid_to_at,
        {%- for column in cell_columns %}
            {{ column }},
        {%- endfor %}
        {{ key_hash(registration_columns) }} as registration_hash
    from versions
    where
        version_outcome = 'passed'
        and person_id_hash is not null

),

repeated_registration_hashes as (

    select registration_hash
    from passed_registrations
    group by registration_hash
    having count(*) > 1

),

candidate_registrations as (

    select passed_registrations.*
    from passed_registrations
    inner join repeated_registration_hashes
        on passed_registrations.registration_hash = repeated_registration_hashes.registration_hash

),

shared_registrations as (

    select
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code
    from candidate_registrations
    group by person_id_hash, coupon_type_code, registration_date, kato_code
    having min(coupon_id) != max(coupon_id)

),

shared_registration_versions as (

    select candidate_registrations.*
    from candidate_registrations
    inner join shared_registrations
        on
            candidate_registrations.person_id_hash = shared_registrations.person_id_hash
            and candidate_registrations.coupon_type_code = shared_registrations.coupon_type_code
            and candidate_registrations.registration_date
            = shared_registrations.registration_date
            and candidate_registrations.kato_code = shared_registrations.kato_code

),

change_moments as (

    select
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code,
        valid_from_at as changed_at
    from shared_registration_versions
    union all
    select
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code,
        valid_to_at as changed_at
    from shared_registration_versions
    where valid_to_at is not null

),

distinct_change_moments as (

    select
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code,
        changed_at
    from change_moments
    group by person_id_hash, coupon_type_code, registration_date, kato_code, changed_at

),

registration_intervals as (

    select
        person_id_hash,
        coupon_type_code,
        registration_date,
        kato_code,
        changed_at as valid_from_at,
        lead(changed_at) over (
            partition by person_id_hash, coupon_type_code, registration_date, kato_code
            order by changed_at
        ) as valid_to_at
    from distinct_change_moments

),

registration_interval_coupons as (

    select
        registration_intervals.person_id_hash,
        registration_intervals.coupon_type_code,
        registration_intervals.registration_date,
        registration_intervals.kato_code,
        registration_intervals.valid_from_at,
        registration_intervals.valid_to_at,
        shared_registration_versions.coupon_id,
        {%- for column in cell_columns %}
            shared_registration_versions.{{ column }},
        {%- endfor %}
        row_number() over (
            partition by
                registration_intervals.person_id_hash,
                registration_intervals.coupon_type_code,
                registration_intervals.registration_date,
                registration_intervals.kato_code,
                registration_intervals.valid_from_at
            order by {{ binary_text('shared_registration_versions.coupon_id') }}
        ) as coupon_rank,
        first_value(shared_registration_versions.coupon_id) over (
            partition by
                registration_intervals.person_id_hash,
                registration_intervals.coupon_type_code,
                registration_intervals.registration_date,
                registration_intervals.kato_code,
                registration_intervals.valid_from_at
            order by {{ binary_text('shared_registration_versions.coupon_id') }}
        ) as counted_coupon_id
    from registration_intervals
    inner join shared_registration_versions
        on
            registration_intervals.person_id_hash = shared_registration_versions.person_id_hash
            and registration_intervals.coupon_type_code
            = shared_registration_versions.coupon_type_code
            and registration_intervals.registration_date
            = shared_registration_versions.registration_date
            and registration_intervals.kato_code = shared_registration_versions.kato_code
            and {{ is_known_at(
                'shared_registration_versions.valid_from_at',
                'shared_registration_versions.valid_to_at',
                'registration_intervals.valid_from_at'
            ) }}

),

final as (

    select
        coupon_id,
        counted_coupon_id,
        valid_from_at,
        valid_to_at,
        coupon_type_code,
        {{ cell_columns | join(',\n        ') }}
    from registration_interval_coupons
    where coupon_rank > 1

)

select * from final
