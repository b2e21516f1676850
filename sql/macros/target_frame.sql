-- target_frame(text, unit): what a quantitative target prints besides its comparison, its number and its unit, as
-- etl.transform.target_values.target_frame does it in Python (tests/test_target_frame.py holds the two equal, and the
-- list of comparison words below equal to the parser's): the text folded (fold_key), its closing 。 . ; dropped, the
-- comparison words (≥, 不少于, 以下 …) and the unit taken out, each number written #. 增长5% -> 增长#, 下降5% -> 下降#,
-- ≥3人 and 不少于3人 -> #. v_target_yoy compares two years' numbers only when their frames are the same: 增长5% and
-- 下降5%, both = 5 %, read unchanged.
create or replace macro target_frame(text, unit) as regexp_replace(
    case
        when coalesce(unit, '') = ''
            then regexp_replace(regexp_replace(rtrim(fold_key(coalesce(text, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '低于或等于|大于或等于|小于或等于|高于或等于|不可低于|不可多于|不可大于|不可小于|不可少于|不可超过|不可高于|不宜低于|不宜多于|不宜大于|不宜小于|不宜少于|不宜超过|不宜高于|不应低于|不应多于|不应大于|不应小于|不应少于|不应超过|不应高于|不得低于|不得多于|不得大于|不得小于|不得少于|不得超过|不得高于|不能低于|不能多于|不能大于|不能小于|不能少于|不能超过|不能高于|大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|不足|以上|以下|以内|低于|多于|大于|小于|少于|最多|最少|等于|至多|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|≮|≯|⩽|⩾|内|达', '', 'g')
        else replace(
            regexp_replace(regexp_replace(rtrim(fold_key(coalesce(text, '')), '。.;'), '\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$', '', 'g'), '低于或等于|大于或等于|小于或等于|高于或等于|不可低于|不可多于|不可大于|不可小于|不可少于|不可超过|不可高于|不宜低于|不宜多于|不宜大于|不宜小于|不宜少于|不宜超过|不宜高于|不应低于|不应多于|不应大于|不应小于|不应少于|不应超过|不应高于|不得低于|不得多于|不得大于|不得小于|不得少于|不得超过|不得高于|不能低于|不能多于|不能大于|不能小于|不能少于|不能超过|不能高于|大于等于|小于等于|不低于|不多于|不大于|不小于|不少于|不超过|不高于|及以上|及以下|<=|>=|不足|以上|以下|以内|低于|多于|大于|小于|少于|最多|最少|等于|至多|至少|超过|达到|高于|<|=|>|≤|≥|≦|≧|≮|≯|⩽|⩾|内|达', '', 'g'),
            fold_key(unit),
            ''
        )
    end,
    '[+-]?[0-9][0-9,]*(\.[0-9]+)?',
    '#',
    'g'
)
