"""Transform: parse grids into SourceTables, normalise amounts, dedupe, reconcile, build frames. No database."""

# The version of the parsing code, written to every load_log row (load_log.parser_version). Bump it when a
# change to extract/ or transform/ can turn a refused file into a loaded one (or change what a file loads
# as): incremental runs then parse again every file an older version refused or loaded, instead of skipping it.
# 2: the layout registry (issue 11); 3: issue 10 (full-width digits, separators in cells, XLSX doubles, years);
# 4: a header after an empty or 序号 column, 合计 only in a header's second row, a project row with no targets,
# items one per line, 部门名称 and 单位 on one line, a signed target value, uncomputed workbook formulas refused;
# 5: every visible sheet or table with a header row read (hidden sheets not), percentage-formatted cells and 15-digit
# numbers, ——// for 0, unit lines (单位：人民币元), merged unit cells, bracket headings, Word's gridBefore, content
# controls and tabs, a workbook's <dimension> not trusted, the title line, look-alikes after navigation (hunt-c);
# hostile files refused in bounded work (hunt-d); 7: a CSV's separator told by its header row (;-separated files
# read, decimal commas read or refused), a workbook's hidden rows not loaded but rejected, an unruled PDF's numbers
# between a unit (comparison, type) column and a numbers column given to the latter (fix-h2); packed and bracket
# items written 名称=值 / 名称：值 without a label, types parted by /, a ； after the last value, a transfer document
# written …号文/…号文件 (fix-h1); 8: amounts in 亿元, 百万元, 千万元, 十万元 and 百元 read, another currency
# (美元) refused, a space inside an amount no number, a target number DECIMAL(18, 4) cannot hold kept as text, a
# weight that is no plain number rejected, a table whose sums the warehouse cannot hold refused, a damaged Word
# document bad_input; 9: one stored spelling of a department (spaces dropped, widths folded, parentheses full-width),
# a department name wrapped in its cell read whole, transfer documents split wherever printed (after the name,
# several), a remark after a bracket value kept with the name, an HTML page's hidden rows rejected and its hidden
# cells and tables not read, a footnote marker after an HTML amount not read into it, nested unit levels reconciled;
# 10: an issuer glued after a name's words split off alone, 小区(2023)3号楼 not a document, invisible characters
# (U+200B, a BOM) not read, a unit printed only in the title read, page numbers and a title printed again at a page
# break not rows, unquoted line breaks of a text dump joined, 合计：/总合计 the grand total, visibility:collapse, a
# footnote marker inside a packed cell dropped, ≥95%（含）/⩾/± read; 11: page-break totals (本页合计, 累计, 过次页)
# kept as aggregates of their own kinds and checked, collapsed HTML columns not read, a unit in the header's second
# row read, two units in one header or unit line refused, a bracket heading without its 】 or a value without its )
# read, bracket headings printed in other brackets ([ ], 〔〕 …) read as 【】, a unit line under the table read (or
# refused when it contradicts), a text dump's row broken inside a name or an amount joined; Word's hidden, deleted,
# moved-away and fallback text not read and its w:sym read, an .xls of uncomputed formulas refused, workbook rows and
# cells stored out of order read in order, a PDF ruled cell by cell read, invisible PDF text not read; 12 (round 20):
# bracket headings of one type or none (【数量指标】, 【】) head their items, more heading, item and value forms;
# header names the column map lacked, a header unit in other brackets, an unknown goal or target column refused,
# leading cells a text export drops restored, broken header cells and wrapped names joined, bracketed form labels;
# fake-bold, white and Kangxi-radical PDF text, Word text hidden or whitened by a style, raised footnote marks;
# an amount merged across several amount columns given to each; a bracket list leaving out its empty code cells,
# or printing only untyped headings over items with values, read; full-width dashes in packed type codes;
# 13 (round 21): 单位自筹 and its kin as 其他资金, an unknown name under money in a header's lower row refused
# naming it, three-row headers, packed items of a name and a glued value read when they part unambiguously,
# un-numbered text in a last row no cut-off; PDF text in a layer switched off or under a white box drawn after it
# not read, a Word table style's text colour read, HTML rowspans counted in the cell budget; 14 (round 22): a
# bracket list's header on three rows read, and printed again at a page break read once; a whole last row
# ending in an unreadable item loaded with that item rejected, a last row cut before its next item's type refused;
# PDF text under an opaque box of any colour drawn after it (in a form too) not read, a Word table style's shading
# read a cell at a time, an HTML rowspan clipped at the end of its row group; per-row exports, bracket lists and
# forms whose dump was cut inside its last row refused (etl/transform/cut_rows.py); 15 (round 28): an HTML table's
# rows after a stray element between two rows read (the parser nests them in it: they were lost), HTML elements
# nested past 256 levels read (up to 2,048; refused beyond, where the page had been read short), a Word table framed
# by a one-column layout table read through the frame (refused as run together), a full-width weight read; per-row
# exports: a 合计 under the last project read, a numeric unit or value-like indicator name rejected, a project printed
# twice in a row a duplicate, an empty unit row kept a unit; 16 (round 29): a tab dump quoted as Excel saves it read
# unquoted, text before item 1 rejected alone (the items after it read), a title year in full-width digits or Chinese
# numerals read and a period's years no budget year, a remark after the last item and a label glued into a name
# rejected, character references in a cell read, a sign a space before its number kept, a unit line or another
# year's title inside a table refused, an amount checked to the fen at any length; UTF-16 text read; workbooks: formulas
# without a result found in prefixed XML, rows of no height, columns of no width and rows in white type hidden, a
# number format's unit read, a cover sheet's lines read, a number merged over two projects refused, a list numbered
# from 1 again a row per type joined, a workbook named for another kind read as what it is
# 17: a second fiscal column read as a part or a breakdown once a table, zero decimals no evidence of 万元, 无 as an
# amount 0, a unit row of — its goal and targets a unit, 小计 after the 合计 checked, 本级小计 closing its unit, a
# transfer document on its own line the next project's, sections (一、一般性项目, 转移支付项目) categories, not units,
# …号文件精神 the reference's words, a form's money of — or 无 as 0 (one version for all of round 30's changes)
# 18 (round 31): comparison words (不得超过, 最多, 少于, 大于或等于 …), value labels printed otherwise
# (∶, =, 年度 指标值, 实施期, 目标值), items in brackets, fields after the values (指标方向, 权重, 备注),
# remarks in brackets, dates and approximations as text, units in brackets, a name's bracketed words a unit
# only when they are one, a level-2 code's typo, an untyped item read alone, inline tags, a per-row period
# value's comparison; forms' value headers on two rows, a 单位 column's amount unit
# 19 (round 32): comparison words (未超过, 低于等于, 控制在, 不超, 最高, 降至, 前N名 …), a unit followed by 内 or
# words (30天内完成), dates (2023.12, 10月份, 次年3月) as text
# 20 (round 33): a closing 小计 reconciled (not a reject), a 小计 under each unit of a 单位名称 column closing that
# unit, a form's money printed as a grid, a PDF's two-row header printed on every page read once, a department from
# 编制单位：/部门： or from the title, packed types printed as an outline, joined by dashes or as level-2 types only,
# a form's 分值 column as the weight
PARSER_VERSION = 20
