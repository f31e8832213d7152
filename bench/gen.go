package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/creditcode"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// dataset is a generated province-sized population: enterprises with their
// completions, the sections' completions, achievements and a few failed
// deliveries, all deterministic for a given size.
type dataset struct {
	n           int
	enterprises []remindd.Enterprise
	completions []completionRow
	achieve     []remindd.Achievement
	failed      int
}

type completionRow struct {
	task   int
	kind   string
	id     string
	doneAt time.Time
	by     string
	note   string
}

var (
	shanghai = mustZone("Asia/Shanghai")
	// sweepAt is the busy instant of the issue: the 2 June digest and the
	// daily sweep, with May's enterprise obligations freshly overdue.
	sweepAt = time.Date(2024, 6, 2, 9, 0, 0, 0, shanghai)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

const ccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode is a valid 统一社会信用代码 for enterprise i of Jinjiang
// (350582): 91 (enterprise, 工商), the area code, an organisation code MA…
// spread by a bijection over 31^7 so that neighbours do not look alike, and
// the GB 32100-2015 check character.
func creditCode(i int) string {
	const space = 27512614111 // 31^7
	x := (uint64(i)*1000003 + 7) % space
	var org [7]byte
	for k := 6; k >= 0; k-- {
		org[k] = ccAlphabet[x%31]
		x /= 31
	}
	first := "91350582MA" + string(org[:])
	c, err := creditcode.CheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

var (
	placeWords = []string{"海韵", "榕溪", "紫云", "古厝", "五店市", "梧林", "安平", "深沪", "金井", "围头", "英林", "龙湖",
		"东石", "永和", "磁灶", "内坑", "池店", "陈埭", "西滨", "灵源", "新塘", "罗山", "梅岭", "青阳"}
	kinds = map[string][]string{
		"tourism":          {"国际旅行社有限公司", "景区管理有限公司", "大酒店有限公司", "旅游开发有限公司", "民宿", "度假村有限公司"},
		"culture":          {"文化传媒有限公司", "影城有限公司", "娱乐有限公司", "网吧", "剧院", "书店有限公司"},
		"heritage-museums": {"博物馆", "纪念馆", "文物保护中心", "非遗展示馆"},
	}
	surnames = []string{"林", "陈", "黄", "许", "吴", "王", "张", "蔡", "李", "洪", "施", "庄"}
	given    = []string{"晓燕", "志强", "建国", "丽华", "文斌", "秀琴", "明辉", "雅婷", "国栋", "淑贞", "俊杰", "美玲"}
	notes    = []string{"", "", "", "", "已提交自评报告", "已上传平台", "整改完成，附照片", "经科室核验"}
	postKind = []string{"党员模范岗", "青年突击手", "工人先锋岗", "巾帼示范岗"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// generate builds the dataset of n enterprises. Sectors: tourism 50%,
// culture 35%, heritage and museums 15%; size classes 规上 10%, 中等 30%,
// 小微 60%; trades 消防重点单位 15%, 有限空间 5%, 危险物品 2%; 97% active;
// 8% with a WeCom and 2% with a Feishu robot. A quarter of the enterprises
// did every obligation due before June, the rest 40–80% of them (70% on
// average), mostly in the weeks before the deadline, a fifth of them late;
// 10% of June's obligations are done early; 2% of completions are dated
// after the sweep (written later, not counted). The sections did their tasks
// 1–40 in their months and about half of tasks 41–60.
func generate(p *plan.Plan, n int) *dataset {
	r := rand.New(rand.NewPCG(uint64(n), 20240602))
	d := &dataset{n: n}
	for i := 0; i < n; i++ {
		e := remindd.Enterprise{ID: creditCode(i), Active: r.Float64() >= 0.03}
		switch x := r.Float64(); {
		case x < 0.50:
			e.Sector = "tourism"
		case x < 0.85:
			e.Sector = "culture"
		default:
			e.Sector = "heritage-museums"
		}
		switch x := r.Float64(); {
		case x < 0.10:
			e.Size = "规上"
		case x < 0.40:
			e.Size = "中等"
		default:
			e.Size = "小微"
		}
		if r.Float64() < 0.15 {
			e.Trades = append(e.Trades, "消防重点单位")
		}
		if r.Float64() < 0.05 {
			e.Trades = append(e.Trades, "有限空间")
		}
		if r.Float64() < 0.02 {
			e.Trades = append(e.Trades, "危险物品")
		}
		e.Name = "晋江市" + pick(r, placeWords) + pick(r, placeWords) + pick(r, kinds[e.Sector])
		e.Contact = pick(r, surnames) + pick(r, given)
		e.Email = fmt.Sprintf("anquan%d@ent%06d.example.com", r.IntN(10), i)
		e.Mobile = fmt.Sprintf("138%08d", r.IntN(100000000))
		switch x := r.Float64(); {
		case x < 0.08:
			e.Webhook = fmt.Sprintf("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=%08x-0000-4000-8000-%012x", i, r.Uint64()>>16)
		case x < 0.10:
			e.Webhook = fmt.Sprintf("https://open.feishu.cn/open-apis/bot/v2/hook/%08x-%012x", i, r.Uint64()>>16)
		}
		d.enterprises = append(d.enterprises, e)

		rate := 1.0
		if r.Float64() >= 0.25 {
			rate = 0.4 + 0.4*r.Float64()
		}
		for ti := range p.Tasks {
			t := &p.Tasks[ti]
			if !p.EnterpriseOwes(t, e.Size, e.Trades, e.Roles) {
				continue
			}
			due := p.Due(t.Month)
			var done bool
			switch {
			case t.Month <= 5:
				done = r.Float64() < rate
			case t.Month == 6:
				done = r.Float64() < 0.10
			}
			if !done {
				continue
			}
			d.completions = append(d.completions, completionRow{
				task: t.N, kind: remindd.KindEnterprise, id: e.ID,
				doneAt: doneTime(r, due), by: e.Contact, note: pick(r, notes),
			})
		}
	}
	// The sections' own tasks.
	for ti := range p.Tasks {
		t := &p.Tasks[ti]
		var prob float64
		switch {
		case t.N <= 40:
			prob = 1
		case t.N <= 60:
			prob = 0.5
		}
		for _, s := range p.OwnersOf(t) {
			if r.Float64() >= prob {
				continue
			}
			due := p.Due(t.Month)
			at := due.Add(-time.Duration(1+r.IntN(20*24)) * time.Hour)
			d.completions = append(d.completions, completionRow{
				task: t.N, kind: remindd.KindSection, id: s, doneAt: at.UTC(),
				by: pick(r, surnames) + pick(r, given), note: "科室自报",
			})
		}
	}
	// Achievements: a handful per sector, more in a bigger population.
	na := max(30, n/100)
	for i := 0; i < na; i++ {
		e := d.enterprises[r.IntN(n)]
		a := remindd.Achievement{Sector: e.Sector, Size: e.Size}
		switch x := r.Float64(); {
		case x < 0.10:
			a.Metric, a.Enterprise, a.Name = "benchmark", e.ID, e.Name
		case x < 0.30:
			a.Metric, a.Enterprise, a.Name = "certified", e.ID, e.Name
		default:
			a.Metric, a.PostKind = "demo_post", pick(r, postKind)
			a.Name = e.Name + a.PostKind
			if r.Float64() < 0.5 {
				a.Enterprise = e.ID
			}
		}
		a.Date = plan.Date{Year: 2024, Month: time.Month(3 + r.IntN(4)), Day: 1 + r.IntN(28)}
		d.achieve = append(d.achieve, a)
	}
	d.failed = max(5, n/500)
	return d
}

// doneTime is when an obligation due at due was done: up to five weeks
// before, a fifth of the time up to three weeks late, never after the sweep
// but for 2% written afterwards.
func doneTime(r *rand.Rand, due time.Time) time.Time {
	at := due.Add(-time.Duration(r.IntN(35*24)) * time.Hour)
	if r.Float64() < 0.2 {
		at = due.Add(time.Duration(1+r.IntN(21*24)) * time.Hour)
	}
	if !at.Before(sweepAt) {
		at = sweepAt.Add(-time.Duration(1+r.IntN(48)) * time.Hour)
	}
	if r.Float64() < 0.02 {
		at = sweepAt.Add(time.Duration(24+r.IntN(20*24)) * time.Hour)
	}
	return at.UTC().Truncate(time.Second)
}

// state is the dataset as the store's Snapshot at sweepAt would return it,
// built in memory (for rendering realistic mails without a database).
func (d *dataset) state() *remindd.State {
	st := &remindd.State{Enterprises: d.enterprises, Achievements: d.achieve}
	for _, c := range d.completions {
		if !c.doneAt.After(sweepAt) {
			st.Done.Add(c.task, remindd.Recipient{Kind: c.kind, ID: c.id})
		}
	}
	return st
}

// insert writes the dataset with multi-row INSERTs, 1000 rows a statement.
func (d *dataset) insert(ctx context.Context, db *sql.DB, planID string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	ents := make([][]any, len(d.enterprises))
	for i, e := range d.enterprises {
		ents[i] = []any{e.ID, e.Name, e.Sector, e.Size, strings.Join(e.Trades, "、"), e.Contact, e.Email, e.Mobile, e.Webhook, e.Active, now}
	}
	if err := bulk(ctx, db, "enterprises", "credit_code, name, sector, size_class, trades, contact_name, email, mobile, webhook, active, updated_at", ents); err != nil {
		return err
	}
	comps := make([][]any, len(d.completions))
	for i, c := range d.completions {
		comps[i] = []any{planID, c.task, c.kind, c.id, c.doneAt, c.by, c.note, c.doneAt.Add(time.Hour)}
	}
	if err := bulk(ctx, db, "completions", "plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at", comps); err != nil {
		return err
	}
	achs := make([][]any, len(d.achieve))
	for i, a := range d.achieve {
		var ent any
		if a.Enterprise != "" {
			ent = a.Enterprise
		}
		achs[i] = []any{planID, a.Sector, a.Metric, a.Name, ent, a.Size, a.PostKind, a.Date.String(), now}
	}
	if err := bulk(ctx, db, "achievements", "plan_id, sector, metric, name, enterprise, size_class, post_kind, achieved_on, recorded_at", achs); err != nil {
		return err
	}
	var fails [][]any
	for i := 0; i < d.failed; i++ {
		e := d.enterprises[(i*7919)%len(d.enterprises)]
		at := time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)
		key := schedule.Key(remindd.Lead, remindd.Recipient{Kind: remindd.KindEnterprise, ID: e.ID}, "2024-05-31/d7", "mail", e.Email)
		fails = append(fails, []any{key, planID, "lead", "enterprise", e.ID, "mail", e.Email, "【提醒】5月31日前到期的安全生产标准化任务",
			`{"key":"` + key + `"}`, "44,55", "failed", 8, at, at,
			"channel mail: smtp mx.example.com:25: message " + key + ": RCPT TO " + e.Email + " failed: 550 5.1.1 mailbox unavailable"})
	}
	if err := bulk(ctx, db, "notifications", "dedup_key, plan_id, rule, recipient_kind, recipient_id, channel, address, subject, body, tasks, status, attempts, next_attempt_at, created_at, last_error", fails); err != nil {
		return err
	}
	// A daemon that ran every day: the sweep and agenda ran on 1 June, the
	// digest last on 2 May, the quarterly on 1 April.
	runs := [][]any{
		{planID, schedule.JobSweep, time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC)},
		{planID, schedule.JobAgenda, time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC)},
		{planID, schedule.JobDigest, time.Date(2024, 5, 2, 1, 0, 0, 0, time.UTC)},
		{planID, schedule.JobQuarterly, time.Date(2024, 4, 1, 1, 0, 0, 0, time.UTC)},
	}
	return bulk(ctx, db, "job_runs", "plan_id, job, last_run_at", runs)
}

func bulk(ctx context.Context, db *sql.DB, table, cols string, rows [][]any) error {
	const chunk = 1000
	if len(rows) == 0 {
		return nil
	}
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*len(part[0]))
		for i, row := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ph)
			args = append(args, row...)
		}
		if _, err := db.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}
