{#-
    Small-number protection of linked tables by the hypercube method, written once for the
    people's marts (doc block small_number_protection; after τ-ARGUS's GHMITER and sdcTable's
    protectLinkedTables). `cells` holds every cell a release publishes of one table: the
    items and their margins (a dimension's total is its code `total`: the republic, both
    sexes, all ages …). A dimension may have several groupings (the age: five-year and
    working-age groups), each a partition of the same total.

    For each count column (measure) and block (`block_columns`):
      - fixed cells (`fixed_when`: each region and flow's total, published in the region
        table) are never withheld; zero is published;
      - primary: every other count of 1 or 2;
      - for each primary cell p (value v) a hypercube: in every dimension, p's position and
        a partner position of the same line (another item of p's grouping; or the total, in a
        dimension of one grouping; p at the total of a dimension of several groupings: one
        item of each grouping). Its corners are every combination of the chosen positions.
        A corner's sign is the product, over the dimensions, of -1 where it takes the partner
        and p and the partner are both items. Adding d to the + corners and taking d from the
        - corners keeps every published relation (each total the sum of each partition), so
        when every corner is withheld, p can be v + d for d = 3 - v as far as an intruder
        knows: a hypercube is admissible when every corner is a cell of the table, not
        fixed, not zero, and every - corner is at least d + 1 (withheld counts are known to
        be at least 1). Every other withheld corner moves by d too: none is pinned.
      - the candidates: in every dimension the `candidates` partners whose face (p moved
        to the partner in that dimension only) is withheld already or smallest (admissible
        for its sign), and the dimension's total, and the largest item; every combination
        of them is checked whole.
      - the primary cells choose in `rounds` batches (by cell, within block and measure);
        each chooses the admissible hypercube that withholds the fewest cells not yet
        withheld (then the smallest sum of their counts, then the corners' codes), so later
        batches reuse the corners of earlier ones.
    Exact counts stay in the mart. tests/python/test_disclosure_audit.py proves the rule by
    linear programming over every published cell and relation; the dbt test
    assert_people_protection_is_complete that every primary cell has its hypercube.

    Emits CTEs (no leading `with`, no trailing comma); the last one, `<cells>_protected`,
    is `cells` with, for each measure m, `m_is_suppressed` and `m_withheld_reason_code`
    ('primary': a withheld count of 1 or 2; 'secondary': any other withheld count; null:
    published), and `is_protected` (false when some primary cell of the row found no
    admissible hypercube).
    Arguments:
      cells: name of the CTE with the cells (and their margins).
      block_columns: columns of an independent block (e.g. evaluation, year, flow).
      dimensions: list of dicts {column, total, grouping (optional column), groupings
        (with grouping: the list of its codes)}; codes unique within a dimension.
      measures: the count columns to protect, e.g. ['arrivals', 'departures'].
      fixed_when: SQL condition on `cells` true for the cells published elsewhere.
      rounds: the number of batches the primary cells choose their hypercubes in.
      candidates: the partners tried in each dimension (besides the total and the largest).
-#}
{% macro hypercube_cell_suppression(
    cells, block_columns, dimensions, measures, fixed_when, rounds, candidates
) -%}
    {%- set key_columns = block_columns + ['measure_code'] -%}
{{ cells }}_numbered as (

    select
        {{ cells }}.*,
        ({{ fixed_when }}) as is_fixed_margin,
        -- integer coordinates of the cell (its block, its code in each dimension): the
        -- corners of the candidate hypercubes are looked up by them, not by their codes
        dense_rank() over (
            order by {% for column in block_columns -%}
                {{ cells }}.{{ column }}{{ ', ' if not loop.last }}
            {%- endfor %}
        ) as block_number,
        {%- for dimension in dimensions %}
        dense_rank() over (order by {{ cells }}.{{ dimension.column }}) as position_number_{{ loop.index0 }},
        {%- endfor %}
        row_number() over (
            order by
                {%- for column in block_columns %}
                {{ cells }}.{{ column }},
                {%- endfor %}
                {%- for dimension in dimensions %}
                {{ cells }}.{{ dimension.column }}{{ ',' if not loop.last }}
                {%- endfor %}
        ) as cell_id
    from {{ cells }}

),

{{ cells }}_values as (
    {%- for measure in measures %}

    select
        numbered.cell_id * {{ measures | length }} + {{ loop.index0 }} as value_id,
        numbered.cell_id,
        '{{ measure }}' as measure_code,
        numbered.{{ measure }} as cell_value,
        numbered.is_fixed_margin,
        numbered.block_number * {{ measures | length }} + {{ loop.index0 }} as block_measure_number,
        {%- for dimension in dimensions %}
        numbered.position_number_{{ loop.index0 }},
        {%- endfor %}
        {%- for column in block_columns %}
        numbered.{{ column }},
        {%- endfor %}
        {%- for dimension in dimensions %}
        {%- if dimension.grouping %}
        numbered.{{ dimension.grouping }},
        {%- endif %}
        numbered.{{ dimension.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cells }}_numbered as numbered
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

{{ cells }}_primaries as (

    select
        cell_values.*,
        3 - cell_values.cell_value as shift,
        ntile({{ rounds }}) over (
            partition by {% for column in key_columns -%}
                cell_values.{{ column }}{{ ', ' if not loop.last }}
            {%- endfor %}
            order by cell_values.value_id
        ) as batch_number
    from {{ cells }}_values as cell_values
    where not cell_values.is_fixed_margin and cell_values.cell_value between 1 and 2

),
{%- for dimension in dimensions %}
    {%- set this = loop.index0 %}
    {%- set line_join %}
        {%- for column in key_columns %}
            primaries.{{ column }} = faces.{{ column }}
        {%- endfor %}
        {%- for other in dimensions if other.column != dimension.column %}
            primaries.{{ other.column }} = faces.{{ other.column }}
        {%- endfor %}
    {%- endset %}
    {%- set line_join = line_join.strip().split('\n') | map('trim') | join('\n            and ') %}
    {%- set face_join = line_join ~ '\n            and primaries.' ~ dimension.column ~ ' <> faces.' ~ dimension.column %}
    {%- set face_admissible -%}
        faces.cell_value >= 1 and not faces.is_fixed_margin
    {%- endset %}

{{ cells }}_faces_{{ this }} as (

    -- the partners of each primary cell in dimension {{ this }} ({{ dimension.column }})
    {%- if dimension.grouping %}
    -- p at an item: another item of its grouping (sign -)
    select
        primaries.value_id,
        faces.{{ dimension.column }} as option_code,
        faces.{{ dimension.column }} as position_code,
        -1 as position_sign,
        faces.cell_value as face_value,
        case when faces.cell_value between 1 and 2 then 0 else 1 end as face_cost,
        '' as option_grouping_code
    from {{ cells }}_primaries as primaries
    inner join {{ cells }}_values as faces
        on {{ face_join }}
            and primaries.{{ dimension.grouping }} = faces.{{ dimension.grouping }}
    where
        primaries.{{ dimension.column }} <> '{{ dimension.total }}'
        and {{ face_admissible }}
        and faces.cell_value >= primaries.shift + 1
        {%- for grouping_code in dimension.groupings %}
    union all
    -- the total and one item of each grouping (sign +); of p's own grouping, p itself
    select
        primaries.value_id,
        faces.{{ dimension.column }} as option_code,
        faces.{{ dimension.column }} as position_code,
        1 as position_sign,
        faces.cell_value as face_value,
        case
            when faces.cell_value between 1 and 2 or faces.value_id = primaries.value_id then 0
            else 1
        end as face_cost,
        '{{ grouping_code }}' as option_grouping_code
    from {{ cells }}_primaries as primaries
    inner join {{ cells }}_values as faces
        on {{ line_join }}
            and faces.{{ dimension.grouping }} = '{{ grouping_code }}'
            and (
                primaries.{{ dimension.grouping }} <> '{{ grouping_code }}'
                or faces.{{ dimension.column }} = primaries.{{ dimension.column }}
            )
    where {{ face_admissible }}
        {%- endfor %}
    {%- else %}
    select
        primaries.value_id,
        faces.{{ dimension.column }} as option_code,
        faces.{{ dimension.column }} as position_code,
        case
            when
                primaries.{{ dimension.column }} = '{{ dimension.total }}'
                or faces.{{ dimension.column }} = '{{ dimension.total }}'
                then 1
            else -1
        end as position_sign,
        faces.cell_value as face_value,
        case when faces.cell_value between 1 and 2 then 0 else 1 end as face_cost,
        '' as option_grouping_code
    from {{ cells }}_primaries as primaries
    inner join {{ cells }}_values as faces
        on {{ face_join }}
    where
        {{ face_admissible }}
        and (
            primaries.{{ dimension.column }} = '{{ dimension.total }}'
            or faces.{{ dimension.column }} = '{{ dimension.total }}'
            or faces.cell_value >= primaries.shift + 1
        )
    {%- endif %}

),

{{ cells }}_ranked_faces_{{ this }} as (

    select
        faces.*,
        row_number() over (
            partition by faces.value_id, faces.option_grouping_code
            order by faces.face_cost, faces.face_value, faces.option_code
        ) as small_rank,
        row_number() over (
            partition by faces.value_id, faces.option_grouping_code
            order by faces.face_value desc, faces.option_code
        ) as large_rank
    from {{ cells }}_faces_{{ this }} as faces

),

{{ cells }}_options_{{ this }} as (

    -- each option of dimension {{ this }}: its key and its positions beside p's own
    {%- if dimension.grouping %}
    select
        kept.value_id,
        kept.option_code as option_key,
        kept.position_code,
        kept.position_sign
    from {{ cells }}_ranked_faces_{{ this }} as kept
    where
        kept.option_grouping_code = ''
        and (kept.small_rank <= {{ candidates }} or kept.large_rank = 1)
        {%- for grouping_code in dimension.groupings %}
    union all
    select
        first_kept.value_id,
        {%- for other_code in dimension.groupings %}
        {{ 'kept_' ~ loop.index0 }}.option_code{{ " || '+' ||" if not loop.last else ' as option_key,' }}
        {%- endfor %}
        {{ 'kept_' ~ loop.index0 }}.position_code,
        {{ 'kept_' ~ loop.index0 }}.position_sign
    from (
        select distinct value_id from {{ cells }}_ranked_faces_{{ this }}
        where option_grouping_code <> ''
    ) as first_kept
        {%- for other_code in dimension.groupings %}
    inner join {{ cells }}_ranked_faces_{{ this }} as kept_{{ loop.index0 }}
        on
            first_kept.value_id = kept_{{ loop.index0 }}.value_id
            and kept_{{ loop.index0 }}.option_grouping_code = '{{ other_code }}'
            and (
                kept_{{ loop.index0 }}.small_rank <= {{ candidates }}
                or kept_{{ loop.index0 }}.large_rank = 1
            )
        {%- endfor %}
        {%- endfor %}
    union all
    -- the total, beside one item of each grouping
    select distinct
        first_kept.value_id,
        {%- for other_code in dimension.groupings %}
        {{ 'kept_' ~ loop.index0 }}.option_code{{ " || '+' ||" if not loop.last else ' as option_key,' }}
        {%- endfor %}
        '{{ dimension.total }}' as position_code,
        1 as position_sign
    from (
        select distinct value_id from {{ cells }}_ranked_faces_{{ this }}
        where option_grouping_code <> ''
    ) as first_kept
        {%- for other_code in dimension.groupings %}
    inner join {{ cells }}_ranked_faces_{{ this }} as kept_{{ loop.index0 }}
        on
            first_kept.value_id = kept_{{ loop.index0 }}.value_id
            and kept_{{ loop.index0 }}.option_grouping_code = '{{ other_code }}'
            and (
                kept_{{ loop.index0 }}.small_rank <= {{ candidates }}
                or kept_{{ loop.index0 }}.large_rank = 1
            )
        {%- endfor %}
    {%- else %}
    select
        kept.value_id,
        kept.option_code as option_key,
        kept.position_code,
        kept.position_sign
    from {{ cells }}_ranked_faces_{{ this }} as kept
    where
        kept.small_rank <= {{ candidates }}
        or kept.large_rank = 1
        or kept.option_code = '{{ dimension.total }}'
    {%- endif %}

),

{{ cells }}_codes_{{ this }} as (

    -- the integer coordinate of each code of dimension {{ this }}
    select distinct
        {{ dimension.column }} as position_code,
        position_number_{{ this }} as position_number
    from {{ cells }}_values

),

{{ cells }}_positions_{{ this }} as (

    select
        positions.value_id,
        positions.option_key,
        positions.position_code,
        positions.position_sign,
        codes.position_number
    from (
        select
            value_id,
            option_key,
            position_code,
            position_sign
        from {{ cells }}_options_{{ this }}
        union
        select distinct
            options.value_id,
            options.option_key,
            primaries.{{ dimension.column }} as position_code,
            1 as position_sign
        from {{ cells }}_options_{{ this }} as options
        inner join {{ cells }}_primaries as primaries
            on options.value_id = primaries.value_id
    ) as positions
    left join {{ cells }}_codes_{{ this }} as codes
        on positions.position_code = codes.position_code

),
{%- endfor %}

{{ cells }}_candidate_corners as (

    -- every corner of every candidate hypercube, with its sign
    select
        primaries.value_id,
        primaries.shift,
        primaries.batch_number,
        {%- for dimension in dimensions %}
        positions_{{ loop.index0 }}.option_key{{ " || '|' ||" if not loop.last else ' as candidate_key,' }}
        {%- endfor %}
        {%- for dimension in dimensions %}
        positions_{{ loop.index0 }}.position_sign{{ ' *' if not loop.last else ' as corner_sign,' }}
        {%- endfor %}
        corners.value_id as corner_value_id,
        corners.cell_value as corner_value,
        corners.is_fixed_margin as is_corner_fixed
    from {{ cells }}_primaries as primaries
    {%- for dimension in dimensions %}
    inner join {{ cells }}_positions_{{ loop.index0 }} as positions_{{ loop.index0 }}
        on primaries.value_id = positions_{{ loop.index0 }}.value_id
    {%- endfor %}
    left join {{ cells }}_values as corners
        on
            primaries.block_measure_number = corners.block_measure_number and
        {%- for dimension in dimensions %}
            positions_{{ loop.index0 }}.position_number = corners.position_number_{{ loop.index0 }}{{ ' and' if not loop.last }}
        {%- endfor %}

),

{{ cells }}_admissible_candidates as (

    select
        value_id,
        candidate_key
    from {{ cells }}_candidate_corners
    group by value_id, candidate_key
    having min(
        case
            when corner_value_id is null or is_corner_fixed or corner_value < 1 then 0
            when corner_sign = -1 and corner_value < shift + 1 then 0
            else 1
        end
    ) = 1

),

{{ cells }}_admissible_corners as (

    select
        corners.value_id,
        corners.batch_number,
        corners.candidate_key,
        corners.corner_value_id,
        corners.corner_value
    from {{ cells }}_candidate_corners as corners
    inner join {{ cells }}_admissible_candidates as admissible
        on
            corners.value_id = admissible.value_id
            and corners.candidate_key = admissible.candidate_key

),

{{ cells }}_round_0 as (

    select
        value_id as suppressed_value_id
    from {{ cells }}_primaries

),
{%- for round in range(1, rounds + 1) %}

{{ cells }}_round_{{ round }}_costs as (

    select
        corners.value_id,
        corners.candidate_key,
        sum(case when state.suppressed_value_id is null then 1 else 0 end) as new_cells,
        sum(case when state.suppressed_value_id is null then corners.corner_value else 0 end)
            as new_value
    from {{ cells }}_admissible_corners as corners
    left join {{ cells }}_round_{{ round - 1 }} as state
        on corners.corner_value_id = state.suppressed_value_id
    where corners.batch_number = {{ round }}
    group by corners.value_id, corners.candidate_key

),

{{ cells }}_round_{{ round }}_choices as (

    select
        value_id,
        candidate_key,
        row_number() over (
            partition by value_id
            order by new_cells, new_value, candidate_key
        ) as choice_rank
    from {{ cells }}_round_{{ round }}_costs

),

{{ cells }}_round_{{ round }} as (

    select suppressed_value_id from {{ cells }}_round_{{ round - 1 }}
    union
    select corners.corner_value_id as suppressed_value_id
    from {{ cells }}_admissible_corners as corners
    inner join {{ cells }}_round_{{ round }}_choices as choices
        on
            corners.value_id = choices.value_id
            and corners.candidate_key = choices.candidate_key
    where choices.choice_rank = 1

),
{%- endfor %}

{{ cells }}_fallback_primaries as (

    -- the primary cells no hypercube of the candidates protects
    select primaries.*
    from {{ cells }}_primaries as primaries
    left join (
        select distinct value_id from {{ cells }}_admissible_candidates
    ) as admissible
        on primaries.value_id = admissible.value_id
    where admissible.value_id is null

),
{%- for dimension in dimensions %}
    {%- set this = loop.index0 %}
    {#- the faces of an earlier dimension are measured at its item of the box: p's own, or
        the item taken beside p's total -#}
    {%- set line_join %}
        {%- for column in key_columns %}
            primaries.{{ column }} = faces.{{ column }}
        {%- endfor %}
        {%- for other in dimensions if other.column != dimension.column %}
            {%- if loop.index0 < this %}
            items_{{ loop.index0 }}.position_code = faces.{{ other.column }}
            {%- else %}
            primaries.{{ other.column }} = faces.{{ other.column }}
            {%- endif %}
        {%- endfor %}
    {%- endset %}
    {%- set line_join = line_join.strip().split('\n') | map('trim') | join('\n            and ') %}
    {%- set margin_join %}
        {%- for column in key_columns %}
            primaries.{{ column }} = faces.{{ column }}
        {%- endfor %}
            primaries.{{ dimensions[0].column }} = faces.{{ dimensions[0].column }}
        {%- for other in dimensions[1:] if other.column != dimension.column %}
            faces.{{ other.column }} = '{{ other.total }}'
        {%- endfor %}
    {%- endset %}
    {%- set margin_join = margin_join.strip().split('\n') | map('trim') | join('\n            and ') %}

{{ cells }}_fallback_faces_{{ this }} as (

    -- the cells of p's lines in dimension {{ this }}, ranked from the largest within grouping
    select
        primaries.value_id,
        faces.{{ dimension.column }} as position_code,
        {{ 'faces.' ~ dimension.grouping if dimension.grouping else "''" }} as position_grouping_code,
        row_number() over (
            partition by
                primaries.value_id{{ ', faces.' ~ dimension.grouping if dimension.grouping }}
            order by faces.cell_value desc, faces.{{ dimension.column }}
        ) as large_rank
    from {{ cells }}_fallback_primaries as primaries
    {%- for earlier in range(this) %}
    inner join {{ cells }}_fallback_items_{{ earlier }} as items_{{ earlier }}
        on primaries.value_id = items_{{ earlier }}.value_id
    {%- endfor %}
    inner join {{ cells }}_values as faces
        on {{ line_join }}
    where
        faces.{{ dimension.column }} <> '{{ dimension.total }}'
        and faces.{{ dimension.column }} <> primaries.{{ dimension.column }}
        and faces.cell_value >= 1
        {%- if dimension.grouping %}
        and faces.{{ dimension.grouping }} <> primaries.{{ dimension.grouping }}
        {%- else %}
        and primaries.{{ dimension.column }} = '{{ dimension.total }}'
        {%- endif %}

),

{{ cells }}_fallback_plus_{{ this }} as (

    -- the box from p with every position taken with sign +: p's own, the total, and one
    -- item of each other grouping (p at the total of one grouping: one item)
    select value_id, {{ dimension.column }} as position_code
    from {{ cells }}_fallback_primaries
    union
    select value_id, '{{ dimension.total }}' as position_code
    from {{ cells }}_fallback_primaries
    union
    select value_id, position_code
    from {{ cells }}_fallback_faces_{{ this }}
    where large_rank = 1

),

{{ cells }}_fallback_items_{{ this }} as (

    -- the box's item in dimension {{ this }}: p's own, or the first taken beside p's total
    select
        primaries.value_id,
        coalesce(min(faces.position_code), primaries.{{ dimension.column }}) as position_code
    from {{ cells }}_fallback_primaries as primaries
    left join {{ cells }}_fallback_faces_{{ this }} as faces
        on
            primaries.value_id = faces.value_id
            and primaries.{{ dimension.column }} = '{{ dimension.total }}'
            and faces.large_rank = 1
    group by primaries.value_id, primaries.{{ dimension.column }}

),
{%- if not loop.first %}

{{ cells }}_fallback_anchors_{{ this }} as (

    -- the items a box taken with sign - may start from: the largest margins of p's
    -- region in dimension {{ this }} (not p's own item)
    select
        primaries.value_id,
        faces.{{ dimension.column }} as position_code,
        {{ 'faces.' ~ dimension.grouping if dimension.grouping else "''" }} as position_grouping_code,
        row_number() over (
            partition by
                primaries.value_id{{ ', faces.' ~ dimension.grouping if dimension.grouping }}
            order by faces.cell_value desc, faces.{{ dimension.column }}
        ) as large_rank
    from {{ cells }}_fallback_primaries as primaries
    inner join {{ cells }}_values as faces
        on {{ margin_join }}
    where
        faces.{{ dimension.column }} <> '{{ dimension.total }}'
        and faces.{{ dimension.column }} <> primaries.{{ dimension.column }}
        and faces.cell_value >= primaries.shift + 1

),

{{ cells }}_fallback_minus_{{ this }} as (

    -- each option of the box taken with sign -: its key and its positions
    {%- set groupings = dimension.groupings if dimension.grouping else [''] %}
    {%- for grouping_code in groupings %}
    select
        first_kept.value_id,
        {%- for other_code in groupings %}
        kept_{{ loop.index0 }}.position_code{{ " || '+' ||" if not loop.last else ' as option_key,' }}
        {%- endfor %}
        kept_{{ loop.index0 }}.position_code
    from (
        select distinct value_id from {{ cells }}_fallback_anchors_{{ this }}
    ) as first_kept
        {%- for other_code in groupings %}
    inner join {{ cells }}_fallback_anchors_{{ this }} as kept_{{ loop.index0 }}
        on
            first_kept.value_id = kept_{{ loop.index0 }}.value_id
            and kept_{{ loop.index0 }}.position_grouping_code = '{{ other_code }}'
            and kept_{{ loop.index0 }}.large_rank <= 2
        {%- endfor %}
    union
    {%- endfor %}
    select distinct
        anchors.value_id,
        {%- for other_code in groupings %}
        kept_{{ loop.index0 }}.position_code{{ " || '+' ||" if not loop.last else ' as option_key,' }}
        {%- endfor %}
        '{{ dimension.total }}' as position_code
    from (
        select distinct value_id from {{ cells }}_fallback_anchors_{{ this }}
    ) as anchors
        {%- for other_code in groupings %}
    inner join {{ cells }}_fallback_anchors_{{ this }} as kept_{{ loop.index0 }}
        on
            anchors.value_id = kept_{{ loop.index0 }}.value_id
            and kept_{{ loop.index0 }}.position_grouping_code = '{{ other_code }}'
            and kept_{{ loop.index0 }}.large_rank <= 2
        {%- endfor %}

),
{%- endif %}
{%- endfor %}

{{ cells }}_fallback_boxes as (

    -- the box from p (sign +) with each box taken with sign - that shares its region
    -- positions: their sum keeps every relation; the cells where they cancel are left alone
    select
        primaries.value_id,
        primaries.shift,
        {%- for dimension in dimensions[1:] %}
        minus_{{ loop.index }}.option_key{{ " || '|' ||" if not loop.last else ' as candidate_key,' }}
        {%- endfor %}
        plus_0.position_code as code_0,
        {%- for dimension in dimensions[1:] %}
        plus_{{ loop.index }}.position_code as code_{{ loop.index }},
        {%- endfor %}
        1 as corner_sign
    from {{ cells }}_fallback_primaries as primaries
    inner join {{ cells }}_fallback_plus_0 as plus_0
        on primaries.value_id = plus_0.value_id
    {%- for dimension in dimensions[1:] %}
    inner join {{ cells }}_fallback_plus_{{ loop.index }} as plus_{{ loop.index }}
        on primaries.value_id = plus_{{ loop.index }}.value_id
    inner join (
        select distinct value_id, option_key from {{ cells }}_fallback_minus_{{ loop.index }}
    ) as minus_{{ loop.index }}
        on primaries.value_id = minus_{{ loop.index }}.value_id
    {%- endfor %}
    union all
    select
        primaries.value_id,
        primaries.shift,
        {%- for dimension in dimensions[1:] %}
        minus_{{ loop.index }}.option_key{{ " || '|' ||" if not loop.last else ' as candidate_key,' }}
        {%- endfor %}
        plus_0.position_code as code_0,
        {%- for dimension in dimensions[1:] %}
        minus_{{ loop.index }}.position_code as code_{{ loop.index }},
        {%- endfor %}
        -1 as corner_sign
    from {{ cells }}_fallback_primaries as primaries
    inner join {{ cells }}_fallback_plus_0 as plus_0
        on primaries.value_id = plus_0.value_id
    {%- for dimension in dimensions[1:] %}
    inner join {{ cells }}_fallback_minus_{{ loop.index }} as minus_{{ loop.index }}
        on primaries.value_id = minus_{{ loop.index }}.value_id
    {%- endfor %}

),

{{ cells }}_fallback_corners as (

    select
        boxes.value_id,
        boxes.shift,
        boxes.candidate_key,
        sum(boxes.corner_sign) as corner_sign,
        corners.value_id as corner_value_id,
        min(corners.cell_value) as corner_value,
        max(case when corners.is_fixed_margin then 1 else 0 end) as is_corner_fixed
    from {{ cells }}_fallback_boxes as boxes
    inner join {{ cells }}_primaries as primaries
        on boxes.value_id = primaries.value_id
    left join {{ cells }}_values as corners
        on
        {%- for column in key_columns %}
            primaries.{{ column }} = corners.{{ column }} and
        {%- endfor %}
        {%- for dimension in dimensions %}
            boxes.code_{{ loop.index0 }} = corners.{{ dimension.column }}{{ ' and' if not loop.last }}
        {%- endfor %}
    group by
        boxes.value_id,
        boxes.shift,
        boxes.candidate_key,
        {%- for dimension in dimensions %}
        boxes.code_{{ loop.index0 }},
        {%- endfor %}
        corners.value_id
    having sum(boxes.corner_sign) <> 0

),

{{ cells }}_fallback_choices as (

    select
        corners.value_id,
        corners.candidate_key,
        row_number() over (
            partition by corners.value_id
            order by
                sum(case when state.suppressed_value_id is null then 1 else 0 end),
                sum(case when state.suppressed_value_id is null then corners.corner_value else 0 end),
                corners.candidate_key
        ) as choice_rank
    from {{ cells }}_fallback_corners as corners
    left join {{ cells }}_round_{{ rounds }} as state
        on corners.corner_value_id = state.suppressed_value_id
    group by corners.value_id, corners.candidate_key
    having min(
        case
            when corners.corner_value_id is null or corners.is_corner_fixed = 1 then 0
            when corners.corner_value < 1 then 0
            when corners.corner_sign < 0 and corners.corner_value < corners.shift + 1 then 0
            else 1
        end
    ) = 1

),

{{ cells }}_suppressed as (

    select suppressed_value_id from {{ cells }}_round_{{ rounds }}
    union
    select corners.corner_value_id as suppressed_value_id
    from {{ cells }}_fallback_corners as corners
    inner join {{ cells }}_fallback_choices as choices
        on
            corners.value_id = choices.value_id
            and corners.candidate_key = choices.candidate_key
    where choices.choice_rank = 1

),

{%- set detail_columns = block_columns + [dimensions[0].column] %}
{{ cells }}_unprotected_details as (

    -- the regions and flows where some primary cell has no admissible pattern (its region's
    -- detail is all of 1s, 2s and zeros, say): their detail is withheld whole; the
    -- republic's too, when one of its cells has none (a tiny flow)
    select distinct
        {%- for column in detail_columns %}
        primaries.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cells }}_primaries as primaries
    left join (
        select value_id from {{ cells }}_admissible_candidates
        union
        select value_id from {{ cells }}_fallback_choices
    ) as admissible
        on primaries.value_id = admissible.value_id
    where admissible.value_id is null

),

{{ cells }}_detail_partners as (

    -- a detail withheld whole is the republic's less the other regions' unless, for each of
    -- its cells, another region's cell is unknown too: the two regions with the most
    -- cells of the block (then the smallest total) are withheld whole with it
    select
        {%- for column in detail_columns %}
        {{ column }},
        {%- endfor %}
        row_number() over (
            partition by {{ block_columns | join(', ') }}
            order by detail_cells desc, detail_size, {{ dimensions[0].column }}
        ) as partner_rank
    from (
        select
            {%- for column in detail_columns %}
            cell_values.{{ column }},
            {%- endfor %}
            count(distinct case
                when not cell_values.is_fixed_margin and cell_values.cell_value > 0
                    then cell_values.cell_id
            end) as detail_cells,
            sum(case when cell_values.is_fixed_margin then cell_values.cell_value else 0 end)
                as detail_size
        from {{ cells }}_values as cell_values
        left join {{ cells }}_unprotected_details as unprotected
            on
            {%- for column in detail_columns %}
                cell_values.{{ column }} = unprotected.{{ column }}{{ ' and' if not loop.last }}
            {%- endfor %}
        where
            cell_values.{{ dimensions[0].column }} <> '{{ dimensions[0].total }}'
            and unprotected.{{ dimensions[0].column }} is null
        group by
            {%- for column in detail_columns %}
            cell_values.{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
    ) as candidates

),

{{ cells }}_withheld_details as (

    select * from {{ cells }}_unprotected_details
    union
    select
        {%- for column in detail_columns %}
        partners.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ cells }}_detail_partners as partners
    inner join (
        select distinct {{ block_columns | join(', ') }}
        from {{ cells }}_unprotected_details
    ) as blocks
        on
        {%- for column in block_columns %}
            partners.{{ column }} = blocks.{{ column }} and
        {%- endfor %}
            partners.partner_rank <= 2

),

{{ cells }}_flags as (

    select
        cell_values.cell_id,
        {%- for measure in measures %}
        max(
            case
                when
                    cell_values.measure_code = '{{ measure }}'
                    and (state.suppressed_value_id is not null or details.is_withheld)
                    then 1
                else 0
            end
        ) = 1 as {{ measure }}_is_suppressed,
        max(
            case
                when cell_values.measure_code <> '{{ measure }}' then null
                when state.suppressed_value_id is null and details.is_withheld is null then null
                when cell_values.cell_value between 1 and 2 then 'primary'
                else 'secondary'
            end
        ) as {{ measure }}_withheld_reason_code,
        {%- endfor %}
        max(case when details.is_withheld then 1 else 0 end) = 1 as is_detail_withheld
    from {{ cells }}_values as cell_values
    left join {{ cells }}_suppressed as state
        on cell_values.value_id = state.suppressed_value_id
    left join (
        select
            {%- for column in detail_columns %}
            {{ column }},
            {%- endfor %}
            true as is_withheld
        from {{ cells }}_withheld_details
    ) as details
        on
        {%- for column in detail_columns %}
            cell_values.{{ column }} = details.{{ column }} and
        {%- endfor %}
            not cell_values.is_fixed_margin
    group by cell_values.cell_id

),

{{ cells }}_protected as (

    select
        numbered.*,
        {%- for measure in measures %}
        flags.{{ measure }}_is_suppressed,
        flags.{{ measure }}_withheld_reason_code,
        {%- endfor %}
        flags.is_detail_withheld
    from {{ cells }}_numbered as numbered
    inner join {{ cells }}_flags as flags
        on numbered.cell_id = flags.cell_id

)
{%- endmacro %}
