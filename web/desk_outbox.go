package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// maxOutboxShown bounds the notifications the outbox page lists.
const maxOutboxShown = 200

// channelKinds are the channels' types as the office reads them.
var channelKinds = map[string]string{
	config.TypeEmail:    "邮件",
	config.TypeWeCom:    "企业微信群机器人",
	config.TypeDingTalk: "钉钉群机器人",
	config.TypeFeishu:   "飞书群机器人",
	config.TypeWebhook:  "网络接口",
	config.TypeRobot:    "企业的群机器人",
	config.TypeFile:     "文件",
	config.TypeLog:      "日志",
}

// outboxRow is a notification that did not go out, as the office reads
// it.
type outboxRow struct {
	ID      int64
	Who     string
	Kind    string // 科室, 企业, 局办公室
	Channel string // 邮件（mail）
	Address string
	Rule    string
	Subject string
	// State is failed (given up), retrying (the deliverer tries again
	// by itself) or queued (put back to be sent again).
	State    string
	Why      string // what went wrong, in plain Chinese
	Raw      string // the error's text, what the operator reads
	Attempts int
	Created  string
	Next     string // when it is tried again
}

// outboxView is the outbox page: what did not go out, and what the last
// re-send did.
type outboxView struct {
	deskNav
	Failed, Retrying int
	Rows             []outboxRow
	Hidden           int
	// After a re-send: how many were put back, and how many asked for
	// were not failed any more.
	Resent    bool
	Requeued  int
	Unchanged int
}

// outboxPage lists, for the office, the notifications that failed (and
// those waiting for another attempt after one failed): who, on which
// channel, what went wrong in plain Chinese, the raw error folded below,
// and a re-send button.
func (h *handler) outboxPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.officeOnly(w, r)
		return
	}
	v, err := h.outboxView(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "desk_outbox", "发送情况", v)
}

// officeOnly answers a section's user who opened a page of the office's.
func (h *handler) officeOnly(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, "这是局办公室的页面",
		"发送情况和上线统一登记由局办公室办理。您的账号可以查看和登记本科室及所管企业的事项。")
}

func (h *handler) outboxView(r *http.Request, u remindd.User) (*outboxView, error) {
	ctx := r.Context()
	nav, err := h.nav(ctx, u, "outbox")
	if err != nil {
		return nil, err
	}
	und, err := h.Store.Undelivered(ctx, h.Plan.ID, maxOutboxShown)
	if err != nil {
		return nil, err
	}
	v := &outboxView{deskNav: nav, Failed: und.Failed, Retrying: und.Retrying}
	v.Hidden = und.Failed + und.Retrying - len(und.Rows)
	n := h.names(ctx)
	for _, o := range und.Rows {
		row, err := h.outboxRow(n, o)
		if err != nil {
			return nil, err
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// outboxRow is o as the office reads it: the address and the raw error
// through Redact, which hides a robot's key; without it, neither.
func (h *handler) outboxRow(n *names, o store.OutboxRow) (outboxRow, error) {
	name, err := n.of(o.Recipient)
	if err != nil {
		return outboxRow{}, err
	}
	row := outboxRow{ID: o.ID, Who: name, Rule: render.RuleName(remindd.Rule(o.Rule)), Subject: o.Subject,
		Why: render.Explain(o.LastError), Attempts: o.Attempts, Created: h.timeCN(o.CreatedAt)}
	switch o.Recipient.Kind {
	case remindd.KindSection:
		row.Kind = "科室"
	case remindd.KindEnterprise:
		row.Kind = "企业"
	}
	row.Channel = o.Channel
	if c, ok := h.Config.Channel(o.Channel); ok {
		if kind, ok := channelKinds[c.Type]; ok {
			row.Channel = kind + "（" + o.Channel + "）"
		}
	}
	if h.Redact != nil {
		row.Address, row.Raw = h.Redact(o.Address, o.LastError)
	}
	switch {
	case o.Status == store.StatusFailed:
		row.State = "failed"
	case o.Attempts > 0:
		row.State, row.Next = "retrying", h.timeCN(o.NextAttempt)
	default:
		row.State = "queued"
	}
	return row, nil
}

// resend puts the failed notifications a form names back to be sent
// again: the one of a row's button, or those selected, in one
// transaction. The delivery job (every minute) sends them.
func (h *handler) resend(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.officeOnly(w, r)
		return
	}
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	values := r.PostForm["id"]
	if one := r.PostForm.Get("resend1"); one != "" {
		values = []string{one}
	}
	bad := func(msg string) {
		h.errorPage(w, r, http.StatusBadRequest, "未重新发送", msg+"本次没有作任何变更，请返回发送情况页重新选择。")
	}
	if len(values) == 0 {
		bad("没有选择任何通知。")
		return
	}
	if len(values) > maxSelected {
		bad(fmt.Sprintf("一次最多选择 %d 条。", maxSelected))
		return
	}
	var asked []int64
	for _, s := range values {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			bad(fmt.Sprintf("“%s”不是有效的通知编号。", clip(s, 20)))
			return
		}
		asked = append(asked, id)
	}
	slices.Sort(asked)
	asked = slices.Compact(asked)
	ctx := r.Context()
	// Only this plan's failed notifications: an id of another plan's, or
	// one no longer failed, is left alone.
	und, err := h.Store.Undelivered(ctx, h.Plan.ID, maxSelected)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	failed := map[int64]bool{}
	for _, o := range und.Rows {
		failed[o.ID] = o.Status == store.StatusFailed
	}
	var ids []int64
	for _, id := range asked {
		if failed[id] {
			ids = append(ids, id)
		}
	}
	n := 0
	if len(ids) > 0 {
		if n, err = h.Store.Retry(ctx, ids, h.Now()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.Log.WithFields(logFields(r)).WithFields(map[string]any{"user": u.Name, "asked": len(asked), "requeued": n}).Info("desk re-send")
	v, err := h.outboxView(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Resent, v.Requeued, v.Unchanged = true, n, len(asked)-n
	title := "已安排重新发送"
	if n == 0 {
		title = "没有需要重新发送的通知"
	}
	h.render(w, r, http.StatusOK, "desk_outbox", title, v)
}
