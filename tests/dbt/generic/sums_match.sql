{#-
    Passes when, group by group, the sums of `columns` over the model equal the sums of
    `compare_columns` over `compare_model`: parts add up to totals, monthly tables to
    annual ones, regional tables to the country's. A group present on one side only
    fails unless its sums are zero. Filter the model with the standard `config: where:`.
    Arguments:
      group_by: list of the model's columns (or expressions) that form a group; [] = one total.
      columns: list of the model's columns (or expressions) to sum.
      compare_model: the other relation, e.g. ref('...').
      compare_group_by: its group columns, in the same order (default: group_by).
      compare_columns: its columns to sum, in the same order (default: columns).
      compare_where: optional filter on compare_model.
-#}
{% test sums_match(model, group_by, columns, compare_model, compare_group_by=none, compare_columns=none, compare_where=none) %}

{%- set compare_group_by = compare_group_by if compare_group_by is not none else group_by %}
{%- set compare_columns = compare_columns if compare_columns is not none else columns %}

with model_sums as (
    select
        {%- for key in group_by %}
        {{ key }} as group_key_{{ loop.index }},
        {%- endfor %}
        {%- for column in columns %}
        sum({{ column }}) as sum_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
    {%- if group_by %}
    group by {% for key in group_by %}{{ key }}{{ ", " if not loop.last }}{% endfor %}
    {%- endif %}
),

compare_sums as (
    select
        {%- for key in compare_group_by %}
        {{ key }} as group_key_{{ loop.index }},
        {%- endfor %}
        {%- for column in compare_columns %}
        sum({{ column }}) as sum_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ compare_model }}
    {%- if compare_where %}
    where {{ compare_where }}
    {%- endif %}
    {%- if compare_group_by %}
    group by {% for key in compare_group_by %}{{ key }}{{ ", " if not loop.last }}{% endfor %}
    {%- endif %}
)

select
    {%- for key in group_by %}
    coalesce(model_sums.group_key_{{ loop.index }}, compare_sums.group_key_{{ loop.index }}) as group_key_{{ loop.index }},
    {%- endfor %}
    {%- for column in columns %}
    model_sums.sum_{{ loop.index }} as model_sum_{{ loop.index }},
    compare_sums.sum_{{ loop.index }} as compare_sum_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
from model_sums
full outer join compare_sums
    on {% for key in group_by %}model_sums.group_key_{{ loop.index }} = compare_sums.group_key_{{ loop.index }}{{ " and " if not loop.last }}{% else %}1 = 1{% endfor %}
where
    {%- for column in columns %}
    coalesce(model_sums.sum_{{ loop.index }}, 0) <> coalesce(compare_sums.sum_{{ loop.index }}, 0){{ " or" if not loop.last }}
    {%- endfor %}

{% endtest %}
