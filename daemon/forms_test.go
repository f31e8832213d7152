package daemon_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// mailFile is an attachment of a received e-mail.
type mailFile struct {
	name   string // from the Content-Disposition, as Go's MIME parser reads it (RFC 2231)
	legacy string // the quoted filename decoded as RFC 2047 words (what Outlook reads)
	media  string
	data   []byte
}

// mailFiles lists the attachments of a raw e-mail, walking its parts with
// net/mail and mime/multipart.
func mailFiles(t *testing.T, raw []byte) []mailFile {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out []mailFile
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil || !strings.HasPrefix(media, "multipart/") {
			return
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			disp := p.Header.Get("Content-Disposition")
			if !strings.HasPrefix(disp, "attachment") {
				walk(p.Header.Get("Content-Type"), p)
				continue
			}
			f := mailFile{name: p.FileName()}
			f.media, _, _ = mime.ParseMediaType(p.Header.Get("Content-Type"))
			if i := strings.Index(disp, `filename="`); i >= 0 {
				q := disp[i+len(`filename="`):]
				if f.legacy, err = new(mime.WordDecoder).DecodeHeader(q[:strings.IndexByte(q, '"')]); err != nil {
					t.Errorf("filename %q: %v", q, err)
				}
			}
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
				b, err = io.ReadAll(base64Reader(t, b))
				if err != nil {
					t.Fatal(err)
				}
			}
			f.data = b
			out = append(out, f)
		}
	}
	walk(m.Header.Get("Content-Type"), m.Body)
	return out
}

// seedForms records what May's forms count: five tourism demo posts (one
// in June, after the month), and the figures of 行业管理科 and 市场管理科
// for May (and for April and June, which the May form adds up and leaves
// out respectively). 公共文化和艺术科 and 文化遗产科 enter nothing.
func seedForms(t *testing.T, s *store.Store, p *plan.Plan) {
	t.Helper()
	ctx := context.Background()
	date := func(m time.Month, d int) plan.Date { return plan.Date{Year: 2024, Month: m, Day: d} }
	for _, a := range []remindd.Achievement{
		{Sector: "tourism", Metric: "demo_post", Name: "导游服务党员模范岗", PostKind: "党员模范岗", Size: "规上", Date: date(3, 12)},
		{Sector: "tourism", Metric: "demo_post", Name: "景区安全青年突击手", PostKind: "青年突击手", Size: "中等", Date: date(4, 2)},
		{Sector: "tourism", Metric: "demo_post", Name: "票务党员模范岗", PostKind: "党员模范岗", Size: "中等", Date: date(5, 31)},
		{Sector: "tourism", Metric: "demo_post", Name: "前台巾帼示范岗", PostKind: "巾帼示范岗", Size: "小微", Date: date(5, 20)},
		{Sector: "tourism", Metric: "demo_post", Name: "六月的工人先锋岗", PostKind: "工人先锋岗", Size: "小微", Date: date(6, 1)},
	} {
		if _, err := s.Achieve(ctx, p.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	figs := []remindd.MonthlyFigures{
		monthFigures("industry-mgmt", 2024, 4, map[string]int64{"inspected": 25, "hazards_found": 40}),
		monthFigures("industry-mgmt", 2024, 5, map[string]int64{"inspected": 30, "hazards_found": 12}),
		monthFigures("market-mgmt", 2024, 5, map[string]int64{"inspected": 14, "hazards_found": 6}),
		monthFigures("market-mgmt", 2024, 6, map[string]int64{"inspected": 1000}),
	}
	if _, _, err := s.PutFigures(ctx, figs); err != nil {
		t.Fatal(err)
	}
}

// monthFigures is a section's month of figures: every column 0 but those
// given.
func monthFigures(section string, year int, month time.Month, set map[string]int64) remindd.MonthlyFigures {
	f := remindd.MonthlyFigures{Section: section, Month: remindd.Month{Year: year, Month: month},
		Values: map[string]int64{}, By: "林主任", Source: remindd.SourceImport}
	for _, c := range remindd.FigureColumns {
		f.Values[c.Key] = set[c.Key]
	}
	return f
}

// sheetCell finds, in a sheet read by excelize, the value in the row whose
// first cell is rowLabel and the column of the heading cell labelled
// colLabel.
func sheetCell(t *testing.T, x *excelize.File, sheet, rowLabel, colLabel string) string {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	row, col := -1, -1
	for r, cells := range rows {
		for c, v := range cells {
			if v == colLabel && col < 0 {
				col = c
			}
		}
		if len(cells) > 0 && cells[0] == rowLabel && row < 0 {
			row = r
		}
	}
	if row < 0 || col < 0 || col >= len(rows[row]) {
		t.Fatalf("%s: no cell for row %q, column %q", sheet, rowLabel, colLabel)
	}
	return rows[row][col]
}

// TestDigestMailAttachesTheMonthsForms is issue 12 point 4's acceptance:
// the tick of 2 June 2024 mails the office a digest carrying 附件4 and 附件5
// of May as .xlsx files with their Chinese names, which open and hold May's
// figures, and naming the sections that entered none.
func TestDigestMailAttachesTheMonthsForms(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		_, p := fixture(t)
		importExample(t, s, p)
		seedForms(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		res, err := d.Tick(ctx, at(6, 2, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if res.Delivery.Failed+res.Delivery.Retried != 0 {
			t.Fatalf("tick: %+v", res)
		}
		var digests [][]byte
		for _, m := range sink.Messages() {
			if strings.HasPrefix(parseMail(t, m.Data).key, "digest:office:") {
				digests = append(digests, m.Data)
			}
		}
		if len(digests) != 1 {
			t.Fatalf("%d digests mailed, want 1", len(digests))
		}
		var xlsx []mailFile
		for _, f := range mailFiles(t, digests[0]) {
			if strings.HasSuffix(f.name, ".xlsx") {
				xlsx = append(xlsx, f)
			}
		}
		var names []string
		for _, f := range xlsx {
			names = append(names, f.name+" / "+f.legacy+" / "+f.media)
		}
		sheet := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		want := []string{"附件4-2024-05.xlsx / 附件4-2024-05.xlsx / " + sheet, "附件5-2024-05.xlsx / 附件5-2024-05.xlsx / " + sheet}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Fatalf("attachments (-want +got):\n%s", diff)
		}

		// 附件4: the active enterprises by size as the store holds them, the
		// demo posts of 2024 up to May's end by kind.
		ents, err := s.Enterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes := map[string]int{}
		total := 0
		for _, e := range ents {
			if e.Active {
				sizes[e.Size]++
				total++
			}
		}
		f4 := openXLSX(t, xlsx[0].data)
		if title, _ := f4.GetCellValue(remindd.Form4, "A2"); !strings.Contains(title, "（2024年5月）") {
			t.Errorf("附件4 title %q", title)
		}
		for label, n := range map[string]int{"总数": total, "规上企业": sizes["规上"], "中等企业": sizes["中等"], "小微企业": sizes["小微"],
			"党员模范岗（个）": 2, "青年突击手（个）": 1, "工人先锋岗（个）": 0, "巾帼示范岗（个）": 1} {
			if got := sheetCell(t, f4, remindd.Form4, "市直单位", label); got != fmt.Sprint(n) {
				t.Errorf("附件4 市直单位 %s = %q, want %d", label, got, n)
			}
		}
		if total == 0 {
			t.Error("no active enterprise to count")
		}
		// 附件5: the entered figures since January, through May.
		f5 := openXLSX(t, xlsx[1].data)
		for label, n := range map[string]int{"检查企业（家次）": 25 + 30 + 14, "发现隐患（条）": 40 + 12 + 6} {
			if got := sheetCell(t, f5, remindd.Form5, "市直单位", label); got != fmt.Sprint(n) {
				t.Errorf("附件5 市直单位 %s = %q, want %d", label, got, n)
			}
		}

		text := parseMail(t, digests[0]).text
		for _, want := range []string{
			"以下科室尚未填报2024年5月月报数据：公共文化和艺术科、文化遗产科；附件4、附件5中其数据按0计。",
			"附件：附件4-2024-05.xlsx、附件5-2024-05.xlsx",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the digest's text lacks %q", want)
			}
		}
		if strings.Contains(text, "尚未填报2024年5月月报数据：行业管理科") || strings.Contains(text, "市场管理科、文化遗产科；") {
			t.Errorf("the digest names a section that entered its figures:\n%s", text)
		}
	})
}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the attached form does not open: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// TestDigestGoesWhenTheFormsFail: when the forms cannot be read (here the
// figures' table is gone), the digest is still mailed, without
// attachments, saying the forms could not be made.
func TestDigestGoesWhenTheFormsFail(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		_, p := fixture(t)
		importExample(t, s, p)
		ctx := context.Background()
		if _, err := s.DB().ExecContext(ctx, "DROP TABLE monthly_figures"); err != nil {
			t.Fatal(err)
		}
		d := newDaemon(t, c, p, s, "a")
		if _, err := d.Tick(ctx, at(6, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range sink.Messages() {
			pm := parseMail(t, m.Data)
			if !strings.HasPrefix(pm.key, "digest:office:") {
				continue
			}
			found = true
			if files := mailFiles(t, m.Data); len(files) != 0 {
				t.Errorf("the digest carries %d files", len(files))
			}
			if !strings.Contains(pm.text, "2024年5月月报表（附件4、附件5）未能生成") || strings.Contains(pm.text, "附件：") {
				t.Errorf("the digest does not say the forms are missing:\n%s", pm.text)
			}
		}
		if !found {
			t.Fatal("no digest mailed")
		}
	})
}

// TestDigestFileCarriesTheForms: with the example config (the office's
// digest goes to the outbox folder), the forms are written beside the
// digest's file, which lists them.
func TestDigestFileCarriesTheForms(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		if _, err := d.Tick(context.Background(), at(6, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		var digest string
		for _, r := range byRule(outbox(t, s), "digest") {
			digest = r.Key
		}
		if digest == "" {
			t.Fatal("no digest in the outbox")
		}
		dir := outboxDir(t, c)
		b, err := os.ReadFile(filepath.Join(dir, notify.FileName(digest)))
		if err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, form := range []string{"附件4-2024-05.xlsx", "附件5-2024-05.xlsx"} {
			name := notify.AttachmentFileName(digest, form)
			listed = append(listed, name)
			openXLSX(t, readFile(t, filepath.Join(dir, name)))
		}
		if !strings.Contains(string(b), "\nAttachments: "+strings.Join(listed, ", ")+"\n") {
			t.Errorf("the digest's file does not list its forms:\n%.400s", b)
		}
		// Every section entered nothing: all four are named.
		if !strings.Contains(string(b), "以下科室尚未填报2024年5月月报数据：行业管理科、市场管理科、公共文化和艺术科、文化遗产科；") {
			t.Errorf("the digest's file does not name the sections without figures")
		}
	})
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
