-- fold_key(text): the key two printings of one name share, exactly as etl.text.fold_key does it in Python
-- (tests/test_folding.py runs every character of the Basic Multilingual Plane through both):
-- the full-width ASCII forms U+FF01-U+FF5E become ASCII, and every whitespace character
-- (str.isspace: ASCII spaces and controls, NBSP, U+2000-U+200A, U+3000 …) is dropped
-- (translate() deletes the characters of its second argument that the third has no counterpart for).
-- Other brackets (【】〔〕《》) stay as printed.
create or replace macro fold_key(text) as translate(
    text,
    '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～'
    || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(28) || chr(29) || chr(30)
    || chr(31) || chr(32) || chr(133) || chr(160) || chr(5760) || chr(8192) || chr(8193) || chr(8194)
    || chr(8195) || chr(8196) || chr(8197) || chr(8198) || chr(8199) || chr(8200) || chr(8201) || chr(8202)
    || chr(8232) || chr(8233) || chr(8239) || chr(8287) || chr(12288),
    '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
)
