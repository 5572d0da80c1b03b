{#-
    The outcomes a row of a coupon extract can end in, with the reject reasons, in the
    order of the extract spec's rules: a list of (outcome, reject_reason) pairs, the reason
    none except for `rejected`.
-#}
{% macro coupon_outcome_categories() %}
    {{ return([
        ('after_cutoff', none),
        ('identical_row', none),
        ('rejected', 'missing_coupon_id'),
        ('superseded', none),
        ('rejected', 'conflicting_versions'),
        ('withdrawn', none),
        ('rejected', 'invalid_record_status'),
        ('rejected', 'invalid_coupon_type'),
        ('rejected', 'invalid_registration_date'),
        ('rejected', 'registration_after_submission'),
        ('rejected', 'unknown_region'),
        ('rejected', 'missing_counterpart'),
        ('rejected', 'unknown_country'),
        ('rejected', 'departure_within_country'),
        ('rejected', 'unknown_counterpart_region'),
        ('duplicate_registration', none),
        ('counted', none),
    ]) }}
{% endmacro %}
