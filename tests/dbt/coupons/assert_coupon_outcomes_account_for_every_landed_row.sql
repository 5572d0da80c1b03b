-- Every row read from the landing folder has exactly one outcome, no outcome belongs to a
-- row that was not read, and the outcome summary adds up to the rows read, file by file.
-- Returns the files (or the total) where the account does not balance. The rows read are
-- the ingested ones: stg_coupons__extract_rows holds every landed delivery's rows, each
-- delivery read once (the landing view shows only the deliveries not yet ingested).
with

landed_rows as (

    select * from {{ ref('stg_coupons__extract_rows') }}

),

coupon_outcomes as (

    select * from {{ ref('coupon_outcomes') }}

),

coupon_outcome_summary as (

    select * from {{ ref('coupon_outcome_summary') }}

),

landed_files as (

    select
        source_file,
        count(*) as landed_row_count
    from landed_rows
    group by source_file

),

accounted_files as (

    select
        source_file,
        count(*) as accounted_row_count
    from coupon_outcomes
    group by source_file

),

matched_files as (

    select
        landed_rows.source_file,
        count(*) as matched_row_count
    from landed_rows
    inner join coupon_outcomes
        on
            landed_rows.source_file = coupon_outcomes.source_file
            and landed_rows.source_row = coupon_outcomes.source_row
    group by landed_rows.source_file

),

file_balances as (

    select
        coalesce(landed_files.source_file, accounted_files.source_file) as source_file,
        coalesce(landed_files.landed_row_count, 0) as landed_row_count,
        coalesce(accounted_files.accounted_row_count, 0) as accounted_row_count,
        coalesce(matched_files.matched_row_count, 0) as matched_row_count
    from landed_files
    full outer join accounted_files
        on landed_files.source_file = accounted_files.source_file
    left join matched_files
        on
            coalesce(landed_files.source_file, accounted_files.source_file)
            = matched_files.source_file

),

total_balance as (

    select
        'all files' as source_file,
        (select count(*) from landed_rows) as landed_row_count,
        (select sum(row_count) from coupon_outcome_summary) as accounted_row_count,
        (select count(*) from landed_rows) as matched_row_count

),

balances as (

    select * from file_balances
    union all
    select * from total_balance

)

select *
from balances
where
    accounted_row_count != landed_row_count
    or matched_row_count != landed_row_count
