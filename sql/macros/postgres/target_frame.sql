-- target_frame(text, unit) on PostgreSQL: the same rule as sql/macros/target_frame.sql (DuckDB), as a SQL function.
create or replace function target_frame(value text, unit text) returns text
language sql immutable parallel safe as $$
    select regexp_replace(
        case
            when coalesce(unit, '') = ''
                then regexp_replace(regexp_replace(rtrim(fold_key(coalesce(value, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|以上|以下|以内|低于|大于|小于|等于|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|⩽|⩾|内|达', '', 'g')
            else replace(
                regexp_replace(regexp_replace(rtrim(fold_key(coalesce(value, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|以上|以下|以内|低于|大于|小于|等于|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|⩽|⩾|内|达', '', 'g'),
                fold_key(unit),
                ''
            )
        end,
        '[+-]?[0-9][0-9,]*(\.[0-9]+)?',
        '#',
        'g'
    )
$$
