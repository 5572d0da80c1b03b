{#-
    Passes when `expression` holds on every row of the model (optionally only the rows
    matching `where` — use the standard `config: where:` for that).
    Arguments:
      expression: a boolean SQL expression over the model's columns.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
