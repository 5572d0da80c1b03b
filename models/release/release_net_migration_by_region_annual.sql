-- the dynamic table of net migration by region and year, the republic above the regions
-- of each year
{{ release_net_migration_by_region_table('annual') }}
