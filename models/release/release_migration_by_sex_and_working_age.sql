{{ release_sex_and_age_table('working_age') }}
