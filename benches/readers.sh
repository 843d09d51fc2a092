#!/usr/bin/env bash
# Time and peak memory of the readers on the largest inputs they accept (lineups of
# 9,999 funds, the most under the 10,000-row limit, as CSV and XLSX; a history of
# 5 options x 500 quarters) and on what they refuse (a CSV just under the 16 MB file
# limit, 165,000 rows; a workbook of 250,000 rows).
# RUNS=3 bash benches/readers.sh
set -euo pipefail
RUNS=${RUNS:-3}
source "$(dirname "$0")/common.sh"

python3 - "$work" <<'PY'
import sys, zipfile, os
work = sys.argv[1]
head = ["Fund Name","Ticker","CUSIP","Fund Type","Asset Category","Management Style",
        "Net Expense Ratio (%)","Plan Assets ($)","QDIA","1 Year","5 Year","10 Year",
        "Since Inception","Benchmark","Inception Date","Fund Website"]
def ticker(i):
    out = ""
    for _ in range(5):
        out = chr(ord("A") + i % 26) + out
        i //= 26
    return out
def row(i):
    return [f"Fund {i}", ticker(i), "", "Mutual Fund", "Large Cap", "Index",
            "0.05", str(1000 + i), "N", "10.1", "8.2", "9.0", "", "S&P 500 Index",
            "01/02/2001", ""]
with open(f"{work}/max.csv", "w") as f:
    f.write(",".join(head) + "\n")
    for i in range(9_999):
        f.write(",".join(row(i)) + "\n")
# CSV: as many rows as fit under 16 MB
with open(f"{work}/big.csv", "w") as f:
    f.write(",".join(head) + "\n")
    i, size = 0, 0
    while True:
        line = ",".join(row(i)) + "\n"
        if size + len(line) > 16 * 1024 * 1024 - 4096:
            break
        f.write(line); size += len(line); i += 1
print("csv rows", i)
def cell(r, c, v):
    col = chr(ord('A') + c)
    try:
        float(v)
        return f'<c r="{col}{r}"><v>{v}</v></c>'
    except ValueError:
        v = v.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
def xlsx(path, n):
  with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
      z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
      z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
      z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Funds" sheetId="1" r:id="rId1"/></sheets></workbook>')
      z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
      with z.open("xl/worksheets/sheet1.xml", "w") as s:
          s.write(f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:P{n+1}"/><sheetData>'.encode())
          s.write(('<row r="1">' + "".join(cell(1, c, v) for c, v in enumerate(head)) + '</row>').encode())
          for i in range(n):
              r = i + 2
              s.write((f'<row r="{r}">' + "".join(cell(r, c, v) for c, v in enumerate(row(i)) if v) + '</row>').encode())
          s.write(b'</sheetData></worksheet>')
xlsx(f"{work}/max.xlsx", 9_999)
xlsx(f"{work}/big.xlsx", 250_000)
print("xlsx bytes", os.path.getsize(f"{work}/max.xlsx"), os.path.getsize(f"{work}/big.xlsx"))
# histories
def history(path, options, quarters):
    with open(path, "w") as f:
        f.write("option,quarter,return_3y_pct,benchmark_3y_pct,peer_rank_pct\n")
        for o in options:
            ends = []
            y, q = 2026, 3
            for k in range(quarters):
                ends.append(f"{y}-" + {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}[q])
                q -= 1
                if q == 0:
                    q, y = 4, y - 1
            for end in reversed(ends):
                f.write(f"{o},{end},8.1,8.0,40\n")
menu_ids = ["tdf-2045", "largecap", "growth", "intl", "bond"]
history(f"{work}/history-500.csv", menu_ids, 500)
PY
printf '[plan]\nname = "P"\nsponsor = "S"\n' > "$work/plan.toml"
printf 'which\twall s\tpeak RSS MB\texit\n'
for f in max.csv max.xlsx big.csv big.xlsx; do
  read -r wall rss code < <(measure "$bin" check "$work/$f" --map recordkeeper --plan "$work/plan.toml" --format json --as-of 2026-11-25)
  printf '%s\t%s\t%s\t%s\n' "$f" "$wall" "$((rss / 1024))" "$code"
done
read -r wall rss code < <(measure "$bin" monitor sample-menus/monitoring/menu.toml --history "$work/history-500.csv" --as-of 2026-11-25 --format json)
printf '%s\t%s\t%s\t%s\n' "history 5 options x 500 quarters" "$wall" "$((rss / 1024))" "$code"
