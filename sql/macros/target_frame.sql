-- target_frame(text, unit): what a quantitative target prints besides its comparison, its number and its unit, as
-- etl.transform.target_values.target_frame does it in Python (tests/test_target_frame.py holds the two equal, and the
-- list of comparison words below equal to the parser's): the text folded (fold_key), its closing 。 . ; dropped, the
-- comparison words (≥, 不少于, 以下 …) and the unit taken out, each number written #. 增长5% -> 增长#, 下降5% -> 下降#,
-- ≥3人 and 不少于3人 -> #. v_target_yoy compares two years' numbers only when their frames are the same: 增长5% and
-- 下降5%, both = 5 %, read unchanged.
create or replace macro target_frame(text, unit) as regexp_replace(
    case
        when coalesce(unit, '') = ''
            then regexp_replace(regexp_replace(rtrim(fold_key(coalesce(text, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|以上|以下|以内|低于|大于|小于|等于|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|⩽|⩾|内|达', '', 'g')
        else replace(
            regexp_replace(regexp_replace(rtrim(fold_key(coalesce(text, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|以上|以下|以内|低于|大于|小于|等于|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|⩽|⩾|内|达', '', 'g'),
            fold_key(unit),
            ''
        )
    end,
    '[+-]?[0-9][0-9,]*(\.[0-9]+)?',
    '#',
    'g'
)
