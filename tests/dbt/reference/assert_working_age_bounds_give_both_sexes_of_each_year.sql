-- A year of the working-age bounds is covered for both sexes or not at all: the people's
-- counts join the bounds by year and sex (macro age_group_columns) and judge sex not
-- stated on both sexes' bounds, and audit.reference_years_not_covered reports a year the
-- seed lacks as a whole. A year with one sex only would make the other's working-age
-- group not determined without the audit naming it.
with working_age_bounds as (
    select * from {{ ref('working_age_bounds') }}
)

select
    year,
    count(distinct sex_code) as sexes
from working_age_bounds
group by year
having count(distinct sex_code) <> 2
