{#-
    Passes when the column sums to zero within every group: a balance that must vanish,
    such as interregional net migration over all regions (every internal move leaves one
    region and enters another).
    Arguments:
      column_name: the column to sum (given by placing the test under a column).
      group_by: list of columns that form a group ([] = the whole table).
-#}
{% test sums_to_zero(model, column_name, group_by) %}

select
    {%- for key in group_by %}
    {{ key }},
    {%- endfor %}
    sum({{ column_name }}) as balance
from {{ model }}
{%- if group_by %}
group by {% for key in group_by %}{{ key }}{{ ", " if not loop.last }}{% endfor %}
{%- endif %}
having sum({{ column_name }}) <> 0

{% endtest %}
