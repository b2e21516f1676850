-- fold_key(text) on PostgreSQL: the same folding as sql/macros/fold_key.sql (DuckDB) and etl.text.fold_key
-- (Python): the full-width ASCII forms U+FF01-U+FF5E become ASCII and every whitespace character is
-- dropped (translate() deletes the characters of its second argument that the third has no counterpart
-- for). The same fast path as the DuckDB macro: the five full-width marks names print and U+3000 with a
-- small map; only a name with any other full-width form or whitespace takes the full map.
-- tests/test_postgres.py compares every view (and fold_key itself) on both engines.
create or replace function fold_key(value text) returns text
language sql immutable parallel safe as $$
    select case
        when folded ~ '[\uff01-\uff5e\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]'
        then translate(
            folded,
            '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
            || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(28) || chr(29) || chr(30)
            || chr(31) || chr(32) || chr(133) || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194)
            || chr(8195) || chr(8196) || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201) || chr(8202)
            || chr(8232) || chr(8233) || chr(8239) || chr(8287) || chr(12288),
            '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
        )
        else replace(folded, ' ', '')
    end
    from (select translate(value, '（）：；，　', '():;, ') as folded) as common
$$
