-- placeholder_fold(text) on PostgreSQL: the same folding as sql/macros/placeholder_fold.sql (DuckDB), for the
-- audit's placeholder rules; tests/test_audit_placeholders.py compares their findings on both engines.
create or replace function placeholder_fold(value text) returns text
language sql immutable parallel safe as $$
    select upper(translate(
        translate(
            value,
            '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
            '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
        ),
        ' 　,.;:!?"''()“”‘’、。' || chr(9) || chr(10) || chr(13) || chr(160) || chr(173) || chr(8194) || chr(8195) || chr(8201) || chr(8202) || chr(8203) || chr(8204) || chr(8205) || chr(8288) || chr(65279),
        ''
    ))
$$
