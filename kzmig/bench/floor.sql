-- The floor of `kzmig bench`: every rule of the extract spec (docs/coupon-extract.md) in one
-- hand-written DuckDB statement chain over the delivery files, with no cut-off: the outcome
-- of every input row (counted by outcome and reject reason) and the three monthly marts
-- net_migration_monthly, external_migration_by_country_monthly and
-- interregional_flows_monthly. It is the least work any implementation must do; the
-- warehouse is measured against it. Not used by the warehouse.
--
-- Placeholders filled in by kzmig/bench/floor.py:
--   __EXTRACT_ROWS__  a query of the 14 extract columns as text, one row per data row
--   __REGIONS_CSV__   the regions seed (region_code, valid_from_date, valid_to_date)
--   __COUNTRIES_CSV__ the countries seed (country_code, is_cis, is_iso_country)
-- Statements are separated by lines holding only ';'.

-- Every value trimmed of Unicode's White_Space characters (extract spec 1.1; empty =
-- missing; only values whose first or last character is not printable ASCII need the
-- slower trim), codes case-normalised, the two dates written as ISO dates where they are
-- valid in either form (so that identical rows compare dates as dates), submitted_at typed
-- (null when it is not a real YYYY-MM-DDTHH:MM:SS).
create or replace temp macro trimmed_text(value) as nullif(
    case
        when unicode(value) between 33 and 126 and unicode(right(value, 1)) between 33 and 126 then value
        else trim(value, chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(32) || chr(133) || chr(160)
            || chr(5760) || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196) || chr(8197) || chr(8198)
            || chr(8199) || chr(8200) || chr(8201) || chr(8202) || chr(8232) || chr(8233) || chr(8239) || chr(8287)
            || chr(12288))
    end,
    ''
)
;
create or replace temp macro iso_date_text(value) as coalesce(
    case
        when regexp_full_match(value, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then strftime(try_strptime(value, '%Y-%m-%d'), '%Y-%m-%d')
        when regexp_full_match(value, '[0-9]{2}[.][0-9]{2}[.][0-9]{4}') then strftime(try_strptime(value, '%d.%m.%Y'), '%Y-%m-%d')
    end,
    value
)
;
create temp table normalized as
with extract_rows as (
    __EXTRACT_ROWS__
),
trimmed as (
    select
        trimmed_text(coupon_id) as coupon_id,
        upper(trimmed_text(coupon_type)) as coupon_type,
        trimmed_text(registration_date) as registration_date_text,
        lower(trimmed_text(person_id_hash)) as person_id_hash,
        upper(trimmed_text(sex)) as sex,
        trimmed_text(birth_date) as birth_date_text,
        upper(trimmed_text(citizenship)) as citizenship,
        trimmed_text(ethnicity_code) as ethnicity_code,
        trimmed_text(kato_code) as kato_code,
        upper(trimmed_text(counterpart_country)) as counterpart_country,
        trimmed_text(counterpart_kato_code) as counterpart_kato_code,
        trimmed_text(reason_code) as reason_code,
        trimmed_text(submitted_at) as submitted_at_text,
        lower(trimmed_text(record_status)) as record_status
    from extract_rows
)
select
    * exclude (registration_date_text, birth_date_text, submitted_at_text),
    iso_date_text(registration_date_text) as registration_date,
    iso_date_text(birth_date_text) as birth_date,
    case
        when regexp_full_match(submitted_at_text, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}')
            then try_strptime(submitted_at_text, '%Y-%m-%dT%H:%M:%S')
    end as submitted_at
from trimmed
;
-- A malformed delivery stops everything (the runner raises on a non-zero count).
create temp table malformed_submissions as
select count(*) as row_count from normalized where submitted_at is null
;
-- Identical rows share their coupon_id: only ids sent more than once (and the rows
-- without an id) are compared. Their distinct rows are the versions that go on.
create temp table repeated_ids as
select coupon_id from normalized where coupon_id is not null group by coupon_id having count(*) > 1
;
create temp table repeated_rows as
select normalized.*
from normalized
semi join repeated_ids
    on normalized.coupon_id = repeated_ids.coupon_id
union all
select *
from normalized
where coupon_id is null
;
create temp table repeated_distinct as
select distinct * from repeated_rows
;
-- Step 4 for the revised coupons: the latest submitted_at counts; two versions sharing
-- it are in conflict; the others are superseded.
create temp table revised_versions as
select
    *,
    submitted_at < max(submitted_at) over (partition by coupon_id) as is_superseded,
    count(*) over (partition by coupon_id, submitted_at) > 1 as is_conflicting
from repeated_distinct
where coupon_id is not null
;
-- The latest version of every coupon: the coupons sent once, and the revised ones.
create temp table latest_versions as
select
    normalized.*,
    false as is_conflicting
from normalized
anti join repeated_ids
    on normalized.coupon_id = repeated_ids.coupon_id
where normalized.coupon_id is not null
union all
select * exclude (is_superseded)
from revised_versions
where not is_superseded
;
-- Withdrawn, then the nine checks in the spec's order (step 5).
create temp table latest_checked as
with regions as (
    select region_code, valid_from_date, valid_to_date
    from read_csv('__REGIONS_CSV__', header = true, auto_detect = false, columns = {
        'region_code': 'varchar', 'region_name_en': 'varchar', 'region_name_ru': 'varchar',
        'region_name_kk': 'varchar', 'region_kind': 'varchar', 'valid_from_date': 'date',
        'valid_to_date': 'date'})
),
iso_countries as (
    select country_code, is_cis
    from read_csv('__COUNTRIES_CSV__', header = true, auto_detect = false, columns = {
        'country_code': 'varchar', 'alpha2_code': 'varchar', 'numeric_code': 'varchar',
        'country_name_en': 'varchar', 'country_name_ru': 'varchar', 'country_name_kk': 'varchar',
        'is_cis': 'boolean', 'is_iso_country': 'boolean'})
    where is_iso_country
),
dated as (
    select
        coupon_id,
        coupon_type,
        person_id_hash,
        kato_code,
        counterpart_country,
        record_status,
        submitted_at,
        is_conflicting,
        case
            when regexp_full_match(registration_date, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
                then try_strptime(registration_date, '%Y-%m-%d')::date
            when regexp_full_match(registration_date, '[0-9]{2}[.][0-9]{2}[.][0-9]{4}')
                then try_strptime(registration_date, '%d.%m.%Y')::date
        end as registration_date,
        case when regexp_full_match(kato_code, '[0-9]{9}') then kato_code[1:2] end as kato_region,
        case when regexp_full_match(counterpart_kato_code, '[0-9]{9}') then counterpart_kato_code[1:2] end
            as counterpart_kato_region
    from latest_versions
),
looked_up as (
    select
        dated.*,
        kato_regions.region_code,
        counterpart_regions.region_code as counterpart_region_code,
        iso_countries.country_code as iso_country_code,
        coalesce(iso_countries.is_cis, false) as is_cis
    from dated
    left join regions as kato_regions
        on dated.kato_region = kato_regions.region_code
        and dated.registration_date >= coalesce(kato_regions.valid_from_date, date '0001-01-01')
        and dated.registration_date <= coalesce(kato_regions.valid_to_date, date '9999-12-31')
    left join regions as counterpart_regions
        on dated.counterpart_kato_region = counterpart_regions.region_code
        and dated.registration_date >= coalesce(counterpart_regions.valid_from_date, date '0001-01-01')
        and dated.registration_date <= coalesce(counterpart_regions.valid_to_date, date '9999-12-31')
    left join iso_countries
        on dated.counterpart_country = iso_countries.country_code
)
select
    coupon_id,
    coupon_type,
    person_id_hash,
    kato_code,
    registration_date,
    region_code,
    case when counterpart_country = 'KAZ' then counterpart_region_code end as counterpart_region_code,
    counterpart_country,
    is_cis,
    case
        when is_conflicting then 'rejected'
        when record_status = 'cancelled' then 'withdrawn'
        when reject_reason is not null then 'rejected'
        else 'passed'
    end as outcome,
    case
        when is_conflicting then 'conflicting_versions'
        when record_status = 'cancelled' then null
        else reject_reason
    end as reject_reason
from (
    select
        *,
        case
            when record_status is null or record_status not in ('active', 'cancelled') then 'invalid_record_status'
            when coupon_type is null or coupon_type not in ('A', 'D') then 'invalid_coupon_type'
            when registration_date is null then 'invalid_registration_date'
            when registration_date > submitted_at::date then 'registration_after_submission'
            when region_code is null then 'unknown_region'
            when counterpart_country is null then 'missing_counterpart'
            when iso_country_code is null then 'unknown_country'
            when coupon_type = 'D' and counterpart_country = 'KAZ' then 'departure_within_country'
            when coupon_type = 'A' and counterpart_country = 'KAZ' and counterpart_region_code is null
                then 'unknown_counterpart_region'
        end as reject_reason
    from looked_up
)
;
-- Step 6: among the passed coupons sharing a person, type, date and place, the smallest
-- coupon_id counts; the registrations shared by several coupons are few.
create temp table duplicate_registrations as
with shared as (
    select person_id_hash, coupon_type, registration_date, kato_code, min(coupon_id) as counted_coupon_id
    from latest_checked
    where outcome = 'passed' and person_id_hash is not null
    group by person_id_hash, coupon_type, registration_date, kato_code
    having count(*) > 1
)
select latest_checked.coupon_id
from latest_checked
inner join shared
    on latest_checked.person_id_hash = shared.person_id_hash
    and latest_checked.coupon_type = shared.coupon_type
    and latest_checked.registration_date = shared.registration_date
    and latest_checked.kato_code = shared.kato_code
where latest_checked.outcome = 'passed' and latest_checked.coupon_id != shared.counted_coupon_id
;
-- Step 7: the counted coupons, narrow, with their flow.
create temp table counted as
select
    year(registration_date)::integer as year,
    month(registration_date)::integer as month,
    coupon_type,
    region_code,
    counterpart_region_code,
    counterpart_country,
    is_cis,
    case
        when counterpart_country != 'KAZ' then 'external'
        when counterpart_region_code != region_code then 'interregional'
        else 'intraregional'
    end as flow
from latest_checked
anti join duplicate_registrations
    on latest_checked.coupon_id = duplicate_registrations.coupon_id
where latest_checked.outcome = 'passed'
;
-- Every input row's outcome, counted (no cut-off: after_cutoff is always zero).
create temp table outcome_counts as
select 'after_cutoff' as outcome, null::varchar as reject_reason, 0::bigint as row_count
union all
select 'identical_row', null, (select count(*) from repeated_rows) - (select count(*) from repeated_distinct)
union all
select 'rejected', 'missing_coupon_id', (select count(*) from repeated_distinct where coupon_id is null)
union all
select 'superseded', null, (select count(*) from revised_versions where is_superseded)
union all
select outcome, reject_reason, count(*) from latest_checked where outcome != 'passed' group by outcome, reject_reason
union all
select 'duplicate_registration', null, (select count(*) from duplicate_registrations)
union all
select 'counted', null, (select count(*) from counted)
;
-- The counted coupons, grouped once.
create temp table counted_grouped as
select year, month, coupon_type, flow, region_code, counterpart_region_code, counterpart_country, is_cis,
    count(*) as coupons
from counted
group by all
;
-- net_migration_monthly: every month from the first to the last counted one, every region
-- in force on at least one of its days; arrivals, departures and their splits.
create temp table net_migration_monthly as
with month_range as (
    select min(year * 12 + month - 1) as first_index, max(year * 12 + month - 1) as last_index
    from counted_grouped
),
months as (
    select
        (month_index // 12)::integer as year,
        (month_index % 12 + 1)::integer as month,
        make_date((month_index // 12)::integer, (month_index % 12 + 1)::integer, 1) as month_start,
        last_day(make_date((month_index // 12)::integer, (month_index % 12 + 1)::integer, 1)) as month_end
    from month_range, range(first_index, last_index + 1) as month_indexes(month_index)
),
regions as (
    select region_code, valid_from_date, valid_to_date
    from read_csv('__REGIONS_CSV__', header = true, auto_detect = false, columns = {
        'region_code': 'varchar', 'region_name_en': 'varchar', 'region_name_ru': 'varchar',
        'region_name_kk': 'varchar', 'region_kind': 'varchar', 'valid_from_date': 'date',
        'valid_to_date': 'date'})
),
region_months as (
    select months.year, months.month, regions.region_code
    from months
    inner join regions
        on coalesce(regions.valid_from_date, date '0001-01-01') <= months.month_end
        and coalesce(regions.valid_to_date, date '9999-12-31') >= months.month_start
),
flow_ends as (
    select year, month, region_code,
        case when flow = 'external' and coupon_type = 'A' then coupons else 0 end as external_arrivals,
        case when flow = 'external' and coupon_type = 'D' then coupons else 0 end as external_departures,
        case when flow = 'interregional' then coupons else 0 end as interregional_arrivals,
        0 as interregional_departures,
        case when flow = 'intraregional' then coupons else 0 end as intraregional_moves
    from counted_grouped
    union all
    select year, month, counterpart_region_code, 0, 0, 0, coupons, 0
    from counted_grouped
    where flow = 'interregional'
),
region_sums as (
    select year, month, region_code,
        sum(external_arrivals) as external_arrivals,
        sum(external_departures) as external_departures,
        sum(interregional_arrivals) as interregional_arrivals,
        sum(interregional_departures) as interregional_departures,
        sum(intraregional_moves) as intraregional_moves
    from flow_ends
    group by all
),
filled as (
    select
        region_months.year,
        region_months.month,
        region_months.region_code,
        coalesce(region_sums.external_arrivals, 0) as external_arrivals,
        coalesce(region_sums.external_departures, 0) as external_departures,
        coalesce(region_sums.interregional_arrivals, 0) as interregional_arrivals,
        coalesce(region_sums.interregional_departures, 0) as interregional_departures,
        coalesce(region_sums.intraregional_moves, 0) as intraregional_moves
    from region_months
    left join region_sums
        on region_months.year = region_sums.year
        and region_months.month = region_sums.month
        and region_months.region_code = region_sums.region_code
)
select
    year,
    month,
    region_code,
    (external_arrivals + interregional_arrivals + intraregional_moves)::bigint as arrivals,
    (external_departures + interregional_departures + intraregional_moves)::bigint as departures,
    (external_arrivals + interregional_arrivals - external_departures - interregional_departures)::bigint
        as net_migration,
    external_arrivals::bigint as external_arrivals,
    external_departures::bigint as external_departures,
    (external_arrivals - external_departures)::bigint as external_net,
    interregional_arrivals::bigint as interregional_arrivals,
    interregional_departures::bigint as interregional_departures,
    (interregional_arrivals - interregional_departures)::bigint as interregional_net,
    intraregional_moves::bigint as intraregional_moves
from filled
;
create temp table external_migration_by_country_monthly as
select
    year,
    month,
    counterpart_country as country_code,
    is_cis,
    sum(case when coupon_type = 'A' then coupons else 0 end)::bigint as arrivals,
    sum(case when coupon_type = 'D' then coupons else 0 end)::bigint as departures,
    sum(case when coupon_type = 'A' then coupons else -coupons end)::bigint as net_migration
from counted_grouped
where flow = 'external'
group by all
;
create temp table interregional_flows_monthly as
select
    year,
    month,
    counterpart_region_code as origin_region_code,
    region_code as destination_region_code,
    sum(coupons)::bigint as migrants
from counted_grouped
where flow = 'interregional'
group by all
