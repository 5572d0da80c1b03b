{#-
    Passes when the validity intervals [valid_from, valid_to] of rows sharing the same
    `partition_by` key never overlap. Null bounds are open (since ever / until further
    notice); both bounds are inclusive dates.
    Arguments:
      partition_by: the column whose rows must not overlap in time.
      valid_from: the column holding the first day of validity (default valid_from_date).
      valid_to: the column holding the last day of validity (default valid_to_date).
-#}
{% test no_overlapping_validity(model, partition_by, valid_from='valid_from_date', valid_to='valid_to_date') %}

with intervals as (
    select
        {{ partition_by }} as partition_key,
        coalesce({{ valid_from }}, cast('0001-01-01' as date)) as from_date,
        coalesce({{ valid_to }}, cast('9999-12-31' as date)) as to_date
    from {{ model }}
),

numbered as (
    select
        partition_key,
        from_date,
        to_date,
        row_number() over (
            partition by partition_key order by from_date, to_date
        ) as interval_number
    from intervals
),

overlapping_intervals as (
    select
        earlier.partition_key,
        earlier.from_date as earlier_from_date,
        earlier.to_date as earlier_to_date,
        later.from_date as later_from_date,
        later.to_date as later_to_date
    from numbered as earlier
    inner join numbered as later
        on
            earlier.partition_key = later.partition_key
            and earlier.interval_number < later.interval_number
            and later.from_date <= earlier.to_date
    union all
    select
        partition_key,
        from_date as earlier_from_date,
        to_date as earlier_to_date,
        from_date as later_from_date,
        to_date as later_to_date
    from intervals
    where from_date > to_date
)

select * from overlapping_intervals

{% endtest %}
