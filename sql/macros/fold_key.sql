-- fold_key(text): the key two printings of one name share, exactly as etl.text.fold_key does it in Python
-- (tests/test_folding.py runs every character of the Basic Multilingual Plane through both):
-- the full-width ASCII forms U+FF01-U+FF5E become ASCII, and every whitespace character
-- (str.isspace: ASCII spaces and controls, NBSP, U+2000-U+200A, U+3000 …) is dropped.
-- Other brackets (【】〔〕《》) stay as printed.
--
-- Written for speed, same result: DuckDB's translate() builds its character map on every call, so the
-- full map (94 + 29 characters) costs 2.7x the whole of v_target_yoy. The common case folds the five
-- full-width marks names do print (（）：；，) and U+3000 with a small map and drops the spaces; only a
-- name with any other full-width form or whitespace (about one in twelve) takes the full map, where
-- translate() deletes the characters of its second argument that the third has no counterpart for.
-- One expression, no subquery: a scalar subquery in a macro became a join over the whole input and
-- stopped a view's filters from reaching the tables below it.
create or replace macro fold_key(text) as (
    case
        when regexp_matches(translate(text, '（）：；，　', '():;, '), '[\x{ff01}-\x{ff5e}\x{9}\x{a}\x{b}\x{c}\x{d}\x{1c}\x{1d}\x{1e}\x{1f}\x{85}\x{a0}\x{1680}\x{2000}\x{2001}\x{2002}\x{2003}\x{2004}\x{2005}\x{2006}\x{2007}\x{2008}\x{2009}\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}]')
        then translate(
            translate(text, '（）：；，　', '():;, '),
            '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
            || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(28) || chr(29) || chr(30)
            || chr(31) || chr(32) || chr(133) || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194)
            || chr(8195) || chr(8196) || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201) || chr(8202)
            || chr(8232) || chr(8233) || chr(8239) || chr(8287) || chr(12288),
            '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
        )
        else replace(translate(text, '（）：；，　', '():;, '), ' ', '')
    end
)
