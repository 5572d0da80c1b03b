{{ release_sex_and_age_table('five_year') }}
