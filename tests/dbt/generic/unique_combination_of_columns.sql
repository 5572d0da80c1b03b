{#-
    Passes when no two rows share the same values of `combination_of_columns`
    (the model's composite primary key).
    Arguments:
      combination_of_columns: list of column names.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
