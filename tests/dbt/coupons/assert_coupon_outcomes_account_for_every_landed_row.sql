-- Every row read from the landing folder has exactly one outcome, no outcome belongs to a
-- row that was not read, and the outcome summary adds up to the rows read, file by file.
-- Returns the files (or the total) where the account does not balance. The rows read are
-- the ingested ones: stg_coupons__extract_rows holds every landed delivery's rows, each
-- delivery read once (the landing view shows only the deliveries not yet ingested).
--
-- Without joining the two row sets (27 M rows each at national scale), from aggregates per
-- file: no (file, row) appears twice on either side (the key tests of
-- stg_coupons__extract_rows, and for coupon_outcomes those of int_coupon_rows_checked,
-- its rows with a coupon_id, and of staging, its rows without), so n distinct rows numbered from 1 to n
-- are exactly the rows 1..n; the landed rows and the outcomes of a file are then the same
-- set when both number n, from 1 to n.
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
        count(*) as landed_row_count,
        min(source_row) as landed_first_row,
        max(source_row) as landed_last_row
    from landed_rows
    group by source_file

),

accounted_files as (

    select
        source_file,
        count(*) as accounted_row_count,
        min(source_row) as accounted_first_row,
        max(source_row) as accounted_last_row
    from coupon_outcomes
    group by source_file

),

file_balances as (

    select
        coalesce(landed_files.source_file, accounted_files.source_file) as source_file,
        coalesce(landed_files.landed_row_count, 0) as landed_row_count,
        coalesce(accounted_files.accounted_row_count, 0) as accounted_row_count,
        landed_files.landed_first_row = 1
        and landed_files.landed_last_row = landed_files.landed_row_count
        and accounted_files.accounted_first_row = 1
        and accounted_files.accounted_last_row = landed_files.landed_row_count
        as is_same_row_range
    from landed_files
    full outer join accounted_files
        on landed_files.source_file = accounted_files.source_file

),

total_balance as (

    select
        'all files' as source_file,
        (select count(*) from landed_rows) as landed_row_count,
        (select sum(row_count) from coupon_outcome_summary) as accounted_row_count,
        true as is_same_row_range

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
    or not coalesce(is_same_row_range, false)
