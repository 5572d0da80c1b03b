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
--
-- How the work is kept small. Almost every coupon is sent once, and almost every
-- registration (person, type, place) appears on one coupon. Such a row needs no version
-- resolution, no identical-row comparison and no duplicate-registration search: its
-- outcome is the checks' verdict on the row itself. So the chain makes three passes over the
-- files ("step N" below is a step of the spec's outcome order):
--
--   1. repeated_keys: a light pass over four key columns finds the 64-bit hashes of
--      the coupon ids and of the registrations (person, type, KATO code) seen on more
--      than one row. A hash is only a filter here, never a decision: two different keys
--      sharing a hash only send a few more rows down the exact path of pass 2.
--   2. candidate_rows: every row with no coupon_id, or whose coupon id or registration
--      hash is repeated (a few per cent of the rows), fully normalised into a small
--      table; there every rule runs exactly as the spec states it (identical rows,
--      versions, checks, duplicate registrations).
--   3. single_versions: every other row, streamed from the files straight through the
--      checks into the grouped outcome cells; nothing of full size is written. Each of
--      its values is parsed once, and the five columns that only identical-row
--      comparison needs (sex, birth date, citizenship, ethnicity, reason) are not read.
--
-- Each rule is written once: the checks are the table macro checked_versions, applied
-- to the candidates' latest versions and to the single rows.

-- Every join of this chain has a small side (repeated keys, regions, countries) and builds
-- its hash table there. DuckDB's estimate of a CSV scan can be too low, and it would then
-- build the hash table on the stream of all rows instead, holding them in memory.
set disabled_optimizers = 'build_side_probe_side'
;
-- Every value trimmed of Unicode's White_Space characters (extract spec 1.1; empty =
-- missing; only values whose first or last character is not printable ASCII need the
-- slower trim).
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
-- The forms of the spec are checked with GLOB patterns ([0-9] is one ASCII digit, the
-- whole value must match), cheaper than regular expressions; strptime then checks the
-- calendar (it alone would accept one-digit months and days).
-- A trimmed date value as the date it denotes (YYYY-MM-DD or DD.MM.YYYY, a real calendar
-- date), else null.
create or replace temp macro parsed_date(value) as case
    when value glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' then try_strptime(value, '%Y-%m-%d')::date
    when value glob '[0-9][0-9].[0-9][0-9].[0-9][0-9][0-9][0-9]' then try_strptime(value, '%d.%m.%Y')::date
end
;
-- A trimmed submitted_at as a timestamp, null when it is not a real YYYY-MM-DDTHH:MM:SS
-- (a malformed delivery).
create or replace temp macro parsed_timestamp(value) as case
    when value glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
        then try_strptime(value, '%Y-%m-%dT%H:%M:%S')
end
;
-- The region of a KATO code: its first two digits, when it is exactly 9 digits.
create or replace temp macro kato_region(value) as
    case when value glob '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' then value[1:2] end
;
create temp view extract_rows as
__EXTRACT_ROWS__
;
-- The two keys of pass 1, from trimmed and case-normalised values: the coupon id's hash
-- (every row without an id shares the hash of null, always counted as repeated), and the
-- hash of person, type and KATO code (null without a person: such a row is no duplicate
-- registration). The registration key leaves out the date, so that equal registrations
-- have equal keys whatever form their dates are written in.
create or replace temp macro coupon_key(coupon_id) as hash(coupon_id)
;
create or replace temp macro registration_key(person_id_hash, coupon_type, kato_code) as
    case when person_id_hash is not null then hash(person_id_hash, coupon_type, kato_code) end
;
-- The key columns of every row, trimmed and case-normalised as the spec says.
create or replace temp macro keyed_rows() as table
select
    *,
    trimmed_text(coupon_id) as trimmed_coupon_id,
    upper(trimmed_text(coupon_type)) as trimmed_coupon_type,
    lower(trimmed_text(person_id_hash)) as trimmed_person_id_hash,
    trimmed_text(kato_code) as trimmed_kato_code
from extract_rows
;
-- Pass 1: the keys seen on more than one row (a few per cent of them).
create temp table repeated_keys as
with row_keys as (
    select
        coupon_key(trimmed_coupon_id) as coupon_key,
        registration_key(trimmed_person_id_hash, trimmed_coupon_type, trimmed_kato_code) as registration_key
    from keyed_rows()
)
select coalesce(coupon_key, registration_key) as key_hash
from row_keys
group by grouping sets ((coupon_key), (registration_key))
having count(*) > 1 and coalesce(coupon_key, registration_key) is not null
union
select coupon_key(null::varchar)
;
-- Pass 2: the rows whose outcome may depend on other rows, normalised in full (codes
-- case-normalised, the two dates as the dates they denote, or as their text where they
-- are not valid dates, so that identical rows compare dates as dates).
create temp table candidate_rows as
with trimmed as (
    select
        trimmed_coupon_id as coupon_id,
        trimmed_coupon_type as coupon_type,
        trimmed_text(registration_date) as registration_date_text,
        trimmed_person_id_hash as person_id_hash,
        upper(trimmed_text(sex)) as sex,
        trimmed_text(birth_date) as birth_date_text,
        upper(trimmed_text(citizenship)) as citizenship,
        trimmed_text(ethnicity_code) as ethnicity_code,
        trimmed_kato_code as kato_code,
        upper(trimmed_text(counterpart_country)) as counterpart_country,
        trimmed_text(counterpart_kato_code) as counterpart_kato_code,
        trimmed_text(reason_code) as reason_code,
        parsed_timestamp(trimmed_text(submitted_at)) as submitted_at,
        lower(trimmed_text(record_status)) as record_status
    from keyed_rows()
    where coupon_key(trimmed_coupon_id) in (select key_hash from repeated_keys)
        or registration_key(trimmed_person_id_hash, trimmed_coupon_type, trimmed_kato_code)
            in (select key_hash from repeated_keys)
),
dated as (
    select
        *,
        parsed_date(registration_date_text) as registration_date,
        parsed_date(birth_date_text) as birth_date
    from trimmed
)
select
    * exclude (registration_date_text, birth_date_text),
    case when registration_date is null then registration_date_text end as registration_date_other,
    case when birth_date is null then birth_date_text end as birth_date_other
from dated
;
-- Steps 2 to 4 of the spec on the candidates: their distinct rows (the identical ones counted in
-- `copies`), the rows without an id, and among the versions of one coupon the latest
-- submitted_at; two distinct versions sharing it are in conflict.
create temp table candidate_versions as
with distinct_rows as (
    select *, count(*) as copies
    from candidate_rows
    group by all
)
select
    *,
    case
        when coupon_id is null then 'missing_coupon_id'
        when submitted_at < max(submitted_at) over (partition by coupon_id) then 'superseded'
        when count(*) over (partition by coupon_id, submitted_at) > 1 then 'conflicting'
        else 'latest'
    end as version_status
from distinct_rows
;
create temp view candidate_latest_versions as
select *, version_status = 'conflicting' as is_conflicting
from candidate_versions
where version_status in ('latest', 'conflicting')
;
-- Pass 3's rows: a coupon sent once whose registration no other row shares; its only row
-- is its latest version. Only the columns the checks need are read.
create temp view single_versions as
select
    trimmed_coupon_id as coupon_id,
    trimmed_coupon_type as coupon_type,
    parsed_date(trimmed_text(registration_date)) as registration_date,
    trimmed_person_id_hash as person_id_hash,
    trimmed_kato_code as kato_code,
    upper(trimmed_text(counterpart_country)) as counterpart_country,
    trimmed_text(counterpart_kato_code) as counterpart_kato_code,
    parsed_timestamp(trimmed_text(submitted_at)) as submitted_at,
    lower(trimmed_text(record_status)) as record_status,
    false as is_conflicting
from keyed_rows() as keyed
anti join repeated_keys as repeated_coupons
    on coupon_key(keyed.trimmed_coupon_id) = repeated_coupons.key_hash
anti join repeated_keys as repeated_registrations
    on registration_key(keyed.trimmed_person_id_hash, keyed.trimmed_coupon_type, keyed.trimmed_kato_code)
        = repeated_registrations.key_hash
;
-- Step 4's withdrawn, then the nine checks in the spec's order (step 5), on the latest
-- versions held by the relation named `relation_name` (coupon_id, coupon_type,
-- registration_date as a date, person_id_hash, kato_code, counterpart_country,
-- counterpart_kato_code, submitted_at, record_status, is_conflicting). `outcome` is
-- 'passed' for the versions that go on to step 6, 'malformed' for a submitted_at that is
-- not a timestamp (the runner stops on it). With each passed version, its cell of the
-- marts: region, counterpart, CIS flag and flow.
create or replace temp macro checked_versions(relation_name) as table
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
looked_up as (
    select
        versions.*,
        kato_regions.region_code,
        counterpart_regions.region_code as counterpart_region_code,
        iso_countries.country_code as iso_country_code,
        coalesce(iso_countries.is_cis, false) as is_cis
    from query_table(relation_name) as versions
    left join regions as kato_regions
        on kato_region(versions.kato_code) = kato_regions.region_code
        and versions.registration_date >= coalesce(kato_regions.valid_from_date, date '0001-01-01')
        and versions.registration_date <= coalesce(kato_regions.valid_to_date, date '9999-12-31')
    left join regions as counterpart_regions
        on kato_region(versions.counterpart_kato_code) = counterpart_regions.region_code
        and versions.registration_date >= coalesce(counterpart_regions.valid_from_date, date '0001-01-01')
        and versions.registration_date <= coalesce(counterpart_regions.valid_to_date, date '9999-12-31')
    left join iso_countries
        on versions.counterpart_country = iso_countries.country_code
),
judged as (
    select
        *,
        case
            when submitted_at is null then 'malformed'
            when is_conflicting then 'rejected'
            when record_status = 'cancelled' then 'withdrawn'
            when record_status is null or record_status not in ('active', 'cancelled') then 'rejected'
            when coupon_type is null or coupon_type not in ('A', 'D') then 'rejected'
            when registration_date is null then 'rejected'
            when registration_date > submitted_at::date then 'rejected'
            when region_code is null then 'rejected'
            when counterpart_country is null then 'rejected'
            when iso_country_code is null then 'rejected'
            when coupon_type = 'D' and counterpart_country = 'KAZ' then 'rejected'
            when coupon_type = 'A' and counterpart_country = 'KAZ' and counterpart_region_code is null then 'rejected'
            else 'passed'
        end as outcome,
        case
            when submitted_at is null then null
            when is_conflicting then 'conflicting_versions'
            when record_status = 'cancelled' then null
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
select
    coupon_id,
    person_id_hash,
    coupon_type,
    registration_date,
    kato_code,
    outcome,
    reject_reason,
    -- the cell of the marts, for the passed versions only
    case when outcome = 'passed' then year(registration_date)::integer end as year,
    case when outcome = 'passed' then month(registration_date)::integer end as month,
    case when outcome = 'passed' then
        case
            when counterpart_country != 'KAZ' then 'external'
            when counterpart_region_code != region_code then 'interregional'
            else 'intraregional'
        end
    end as flow,
    case when outcome = 'passed' then region_code end as region_code,
    case when outcome = 'passed' and counterpart_country = 'KAZ' then counterpart_region_code end
        as counterpart_region_code,
    case when outcome = 'passed' then counterpart_country end as counterpart_country,
    case when outcome = 'passed' then is_cis end as is_cis
from judged
;
-- Step 6 on the candidates: among the passed ones sharing a person, type, date and place,
-- the smallest coupon_id counts, the others are duplicate registrations. A registration
-- shared by several coupons always lies among the candidates (its key is repeated).
create temp table candidate_outcomes as
with checked as (
    select * from checked_versions('candidate_latest_versions')
)
select
    case
        when outcome != 'passed' then outcome
        when person_id_hash is not null and coupon_id != min(coupon_id) over (
            partition by outcome, person_id_hash, coupon_type, registration_date, kato_code)
            then 'duplicate_registration'
        else 'counted'
    end as outcome,
    reject_reason, year, month, coupon_type, flow, region_code, counterpart_region_code, counterpart_country, is_cis
from checked
;
-- Every row's outcome, grouped into cells: the single rows streamed from the files (the
-- bulk of the work), the candidates, and what steps 2 to 4 decided among the candidates.
-- The mart columns are filled for the counted rows only.
create temp table outcome_cells as
select
    case when outcome = 'passed' then 'counted' else outcome end as outcome,
    reject_reason, year, month,
    case when outcome = 'passed' then coupon_type end as coupon_type,
    flow, region_code, counterpart_region_code, counterpart_country, is_cis,
    count(*) as row_count
from checked_versions('single_versions')
group by all
union all
select
    outcome, reject_reason, year, month,
    case when outcome = 'counted' then coupon_type end as coupon_type,
    flow, region_code, counterpart_region_code, counterpart_country, is_cis,
    count(*)
from candidate_outcomes
group by all
union all
select 'identical_row', null, null, null, null, null, null, null, null, null, sum(copies - 1)
from candidate_versions
union all
select version_status, case when version_status = 'missing_coupon_id' then 'missing_coupon_id' end,
    null, null, null, null, null, null, null, null, count(*)
from candidate_versions
where version_status in ('missing_coupon_id', 'superseded')
group by version_status
;
-- A malformed delivery stops everything (the runner raises on a non-zero count).
create temp table malformed_submissions as
select
    coalesce((select sum(row_count) from outcome_cells where outcome = 'malformed'), 0)
    + (select count(*) from candidate_rows where submitted_at is null) as row_count
;
-- Every input row's outcome, counted (no cut-off: after_cutoff is always zero).
create temp table outcome_counts as
select 'after_cutoff' as outcome, null::varchar as reject_reason, 0::bigint as row_count
union all
select
    case when outcome = 'missing_coupon_id' then 'rejected' else outcome end,
    reject_reason,
    sum(row_count)::bigint
from outcome_cells
group by all
;
-- The counted coupons, grouped once.
create temp table counted_grouped as
select year, month, coupon_type, flow, region_code, counterpart_region_code, counterpart_country, is_cis,
    sum(row_count) as coupons
from outcome_cells
where outcome = 'counted'
group by all
;
-- net_migration_monthly: every month from the first to the last counted one, in the years
-- with a counted coupon (a year with none has no rows), every region in force on at least
-- one of its days; arrivals, departures and their splits.
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
    where month_index // 12 in (select year from counted_grouped)
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
    (external_arrivals - external_departures)::bigint as external_net_migration,
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
