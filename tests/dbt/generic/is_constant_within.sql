{#-
    Passes when the column holds at most one distinct non-null value within every group:
    one basis per table, one unit per report. Fails with each group holding more than one
    value and how many it holds. Filter the model with the standard `config: where:`.
    Arguments:
      column_name: the column (given by placing the test under a column).
      group_by: list of columns that form a group ([] = the whole table).
-#}
{% test is_constant_within(model, column_name, group_by) %}

select
    {%- for key in group_by %}
    {{ key }},
    {%- endfor %}
    count(distinct {{ column_name }}) as distinct_values
from {{ model }}
{%- if group_by %}
group by {% for key in group_by %}{{ key }}{{ ", " if not loop.last }}{% endfor %}
{%- endif %}
having count(distinct {{ column_name }}) > 1

{% endtest %}
