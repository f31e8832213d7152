#!/usr/bin/python3
"""Read remindd's monthly forms (附件4-YYYY-MM.xlsx, 附件5-YYYY-MM.xlsx) with
openpyxl, a reader independent of the Go library that wrote them, and check
what a clerk relies on: the file opens, the sheet is named after the form,
the multi-row headings are merged as the seed draws them, and no data cell
of the table is empty (the forms' notes: 若无则应填写0); every figure is a
number of 0 or more.

usage: check-forms.py FILE.xlsx... [--expect SHEET!CELL=VALUE ...] [--dump]

--expect checks a cell's value (as text: 29, 1.75, 市直单位); --dump prints
every data cell as SHEET!CELL=VALUE. Exit status 0 when every check holds,
1 otherwise, each failure named on standard error.
"""

import os
import sys

import openpyxl
from openpyxl.cell.cell import MergedCell

# The heading ranges each form must merge (the seed's multi-row headers).
HEADINGS = {
    "附件4": ["A4:A5", "B4:E4", "F4:J4", "K4:L4", "M4:P4", "Q4:S4", "T4:X4"],
    "附件5": ["A4:A6", "B4:E5", "F4:O4", "P4:AE4", "F5:H5", "I5:M5", "N5:N6", "O5:O6",
              "S5:U5", "V5:W5", "X5:X6", "AE5:AE6"],
}
# The 填报单位类型 that start the data rows.
UNITS = ["市直单位", "县（市、区）"]


def text(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def check(path, expect, dump, failures):
    def fail(msg):
        failures.append("%s: %s" % (path, msg))

    try:
        wb = openpyxl.load_workbook(path)
    except Exception as e:  # any reason it does not open is the failure
        fail("does not open: %s" % e)
        return
    name = os.path.basename(path).split("-")[0]
    if name not in HEADINGS:
        fail("not a form's name (want 附件4-… or 附件5-…)")
        return
    if wb.sheetnames != [name]:
        fail("sheets %s, want [%s]" % (wb.sheetnames, name))
        return
    ws = wb[name]
    merged = {str(r) for r in ws.merged_cells.ranges}
    for r in HEADINGS[name]:
        if r not in merged:
            fail("heading %s is not merged" % r)
    # The data rows: from the first 填报单位类型 to the row before the notes.
    first = last = None
    for row in range(1, ws.max_row + 1):
        a = ws.cell(row=row, column=1).value
        if a == UNITS[0] and first is None:
            first = row
        if isinstance(a, str) and a.startswith("注") and first is not None:
            last = row - 1
            break
    if first is None or last is None:
        fail("no data rows between %s and the notes" % UNITS[0])
        return
    seen_units = []
    cells = 0
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=ws.max_column):
        for c in row:
            if isinstance(c, MergedCell):
                continue  # inside a merged range: its value is the range's first cell's
            cells += 1
            if c.value is None or (isinstance(c.value, str) and c.value.strip() == ""):
                fail("data cell %s is empty" % c.coordinate)
                continue
            if c.column == 1:
                seen_units.append(c.value)
            if isinstance(c.value, (int, float)) and c.value < 0:
                fail("data cell %s is %s, below 0" % (c.coordinate, c.value))
            if dump:
                print("%s!%s=%s" % (name, c.coordinate, text(c.value)))
    if seen_units != UNITS:
        fail("填报单位类型 rows %s, want %s" % (seen_units, UNITS))
    if cells == 0:
        fail("no data cells")
    for e in expect:
        sheet, _, rest = e.partition("!")
        ref, _, want = rest.partition("=")
        if sheet != name:
            continue
        got = ws[ref].value
        if got is None or text(got) != want:
            fail("%s is %r, want %s" % (ref, got, want))


def main(argv):
    files, expect, dump = [], [], False
    args = iter(argv)
    for a in args:
        if a == "--expect":
            expect.append(next(args, ""))
        elif a == "--dump":
            dump = True
        else:
            files.append(a)
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    failures = []
    for path in files:
        check(path, expect, dump, failures)
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
