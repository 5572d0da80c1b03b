-- the dynamic table of net migration by region and month, the republic above the regions
-- of each month
{{ release_net_migration_by_region_table('monthly') }}
