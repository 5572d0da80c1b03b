{#-
    The counted coupons of every evaluation as counts, from knowledge time, written once
    for int_coupon_counts_evaluated: one scan of the coupon rows, every cell shape counted
    in the same pass (GROUPING SETS). Emits comma-separated CTE definitions (interval_ends
    … evaluation_counts) reading three CTEs the model defines first: `versions` (the coupon
    versions with version_outcome, valid_from_at, valid_to_at and every cell column),
    `duplicate_registrations` (the duplicate registrations' intervals with every cell
    column) and `evaluations` (int_evaluations_selected). The model goes on with
    `, final as (... from evaluation_counts ...)`; evaluation_counts holds release_id,
    cell_shape_code, the common columns, every shape's columns (null outside its shape)
    and coupon_count (zero counts included: the model drops them).

    A coupon enters the count when a version of it that passed the checks becomes known
    (valid_from_at) and leaves it when the next version arrives (valid_to_at); it is out
    of the count while it is a duplicate registration. Each evaluation sums the changes
    known at its cut-off (`latest`: at the build's cut-off, or all of them), over its
    period (a release: January to period_end_month of period_year; `latest`: every month).
    The common columns must include registration_year and registration_month.
    Arguments:
      common_columns: list of the columns every cell shape counts by.
      cell_shapes: list of the cell shapes, each a mapping with `code` (cell_shape_code)
        and `columns` (its own columns beside the common ones: at least one, and no
        column in two shapes).
-#}
{% macro evaluated_coupon_count_ctes(common_columns, cell_shapes) -%}
{%- set build_cutoff_at = coupon_cutoff_at() %}
{%- set cell_columns = [] %}
{%- for shape in cell_shapes %}
    {%- for column in shape.columns %}
        {%- do cell_columns.append(column) %}
    {%- endfor %}
{%- endfor %}
{%- set all_columns = common_columns + cell_columns %}
-- the two ends of a knowledge-time interval: +1 at its start, -1 at its end
interval_ends as (

    select 1 as coupon_count_change
    union all
    select -1 as coupon_count_change

),

-- one scan of the coupon rows: every passed version enters its cell when it becomes known
-- and leaves it when the next version arrives
version_changes as (

    select
        {%- for column in all_columns %}
            versions.{{ column }},
        {%- endfor %}
        case
            when interval_ends.coupon_count_change = 1 then versions.valid_from_at
            else versions.valid_to_at
        end as changed_at,
        interval_ends.coupon_count_change
    from versions
    cross join interval_ends
    where
        versions.version_outcome = 'passed'
        and (interval_ends.coupon_count_change = 1 or versions.valid_to_at is not null)

),

-- a duplicate registration leaves its cell for its interval (the cell of its version then)
duplicate_changes as (

    select
        {%- for column in all_columns %}
            duplicate_registrations.{{ column }},
        {%- endfor %}
        case
            when interval_ends.coupon_count_change = 1 then duplicate_registrations.valid_to_at
            else duplicate_registrations.valid_from_at
        end as changed_at,
        interval_ends.coupon_count_change
    from duplicate_registrations
    cross join interval_ends
    where interval_ends.coupon_count_change = -1 or duplicate_registrations.valid_to_at is not null

),

count_changes as (

    select * from version_changes
    union all
    select * from duplicate_changes

),

-- knowledge epochs: the distinct cut-offs of the evaluations (the releases', and the
-- build's when it has one), each with the one before it, and a last epoch after them all.
-- A change is known at cut-off C exactly when the end of its epoch is at or before C, so
-- the changes are summed per epoch and cell once, before any evaluation is joined.
evaluation_cutoffs as (

    select cutoff_at
    from evaluations
    where cutoff_at is not null
    group by cutoff_at

),

epoch_ends as (

    select cutoff_at as epoch_end_at
    from evaluation_cutoffs
    union all
    select cast('9999-12-31 23:59:59' as timestamp) as epoch_end_at

),

knowledge_epochs as (

    select
        epoch_end_at,
        coalesce(
            lag(epoch_end_at) over (order by epoch_end_at),
            cast('0001-01-01 00:00:00' as timestamp)
        ) as epoch_start_after_at
    from epoch_ends

),

-- every cell shape in one pass over the changes: a grouping set per shape, told apart by
-- which shape's own first column is grouped (grouping() = 0)
epoch_counts as (

    select
        knowledge_epochs.epoch_end_at,
        case
            {%- for shape in cell_shapes %}
                when grouping(count_changes.{{ shape.columns[0] }}) = 0 then '{{ shape.code }}'
            {%- endfor %}
        end as cell_shape_code,
        {%- for column in all_columns %}
            count_changes.{{ column }},
        {%- endfor %}
        sum(count_changes.coupon_count_change) as coupon_count_change
    from count_changes
    inner join knowledge_epochs
        on
            count_changes.changed_at > knowledge_epochs.epoch_start_after_at
            and count_changes.changed_at <= knowledge_epochs.epoch_end_at
    group by grouping sets (
        {%- for shape in cell_shapes %}
            (
                knowledge_epochs.epoch_end_at,
                {%- for column in common_columns + shape.columns %}
                    count_changes.{{ column }}{{ ',' if not loop.last }}
                {%- endfor %}
            ){{ ',' if not loop.last }}
        {%- endfor %}
    )

),

-- every epoch's changes with each release that knows them and whose period holds their month
release_changes as (

    select
        evaluations.release_id,
        epoch_counts.cell_shape_code,
        {%- for column in all_columns %}
            epoch_counts.{{ column }},
        {%- endfor %}
        epoch_counts.coupon_count_change
    from epoch_counts
    inner join evaluations
        on
            epoch_counts.registration_year = evaluations.period_year
            and epoch_counts.registration_month <= evaluations.period_end_month
            and epoch_counts.epoch_end_at <= evaluations.cutoff_at
    where evaluations.vintage != 'latest'

),

release_counts as (

    select
        release_id,
        cell_shape_code,
        {{ all_columns | join(', ') }},
        sum(coupon_count_change) as coupon_count
    from release_changes
    group by release_id, cell_shape_code, {{ all_columns | join(', ') }}

),

latest_counts as (

    select
        'latest' as release_id,
        cell_shape_code,
        {{ all_columns | join(', ') }},
        sum(coupon_count_change) as coupon_count
    from epoch_counts
    where
        exists (select 1 from evaluations where evaluations.vintage = 'latest')
        {%- if build_cutoff_at is not none %}
            and epoch_end_at <= {{ build_cutoff_at }}
        {%- endif %}
    group by cell_shape_code, {{ all_columns | join(', ') }}

),

evaluation_counts as (

    select * from release_counts
    union all
    select * from latest_counts

)
{%- endmacro %}
