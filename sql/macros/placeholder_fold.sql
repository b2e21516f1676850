-- placeholder_fold(text): a text as the audit's placeholder rules compare it (sql/audit/placeholder_value.sql,
-- missing_goal.sql, missing_indicator_name.sql) and the terms of placeholder_values.csv alike: the full-width
-- ASCII forms as ASCII, then whitespace, the common punctuation and the characters that print nothing (no-break
-- space, soft hyphen, U+2002-U+200D, U+2060, a BOM) dropped, then upper case: Ｎ／Ａ, n/a and "N / A" fold alike.
-- One expression, no subquery (see fold_key.sql): a department filter still reaches the scans under the rules.
create or replace macro placeholder_fold(text) as (
    upper(translate(
        translate(
            text,
            '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
            '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
        ),
        ' 　,.;:!?"''()“”‘’、。' || chr(9) || chr(10) || chr(13) || chr(160) || chr(173) || chr(8194) || chr(8195) || chr(8201) || chr(8202) || chr(8203) || chr(8204) || chr(8205) || chr(8288) || chr(65279),
        ''
    ))
)
