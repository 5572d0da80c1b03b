-- the republic's external migration by month
{{ release_migration_monthly_table([
    ['arrivals', 'bigint'],
    ['departures', 'bigint'],
    ['net_migration', 'bigint'],
    ['cis_arrivals', 'bigint'],
    ['cis_departures', 'bigint'],
    ['cis_arrivals_share_pct', 'double precision'],
    ['cis_departures_share_pct', 'double precision'],
]) }}
