-- the republic's internal migration by month
{{ release_migration_monthly_table([
    ['internal_migrants', 'bigint'],
    ['interregional_migrants', 'bigint'],
    ['intraregional_migrants', 'bigint'],
]) }}
