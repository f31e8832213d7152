package schedule

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
)

// FuzzAppendIndent: appendIndent indents what encoding/json writes as
// json.Indent does.
func FuzzAppendIndent(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `[{}]`, `{"a":[]}`, `{"a":{"b":[1,2,{"c":null}]},"d":"x,y:{}[]\"\\"}`,
		`"\u2028<&>"`, `[1,[2,[3,[]]],{"":""}]`, `{"k":"晋江","t":true,"f":false,"n":-1.5e+10}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		src := bytes.TrimSuffix(compact.Bytes(), []byte("\n"))
		var want bytes.Buffer
		if err := json.Indent(&want, src, "  ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndent([]byte("x"), src, "  "); string(got) != "x"+want.String() {
			t.Errorf("appendIndent(%s):\n%s\nwant\n%s", src, got[1:], want.Bytes())
		}
	})
}

// FuzzNotificationJSON: what appendNotification writes directly is what
// encoding/json writes, whatever the text, tasks and time.
func FuzzNotificationJSON(f *testing.F) {
	f.Add("overdue:enterprise:91350582MA00000001:2024-06-01:mail", "晋江市<某>酒店 & \"茶\"", "a@example.cn", "", int64(1717290000), 8*3600, 3, true)
	f.Add("k\u2028\u2029\x00\x1f\x7f\b\f\n\r\t\\", "\xff\xfe名", "", "2024-Q2", int64(-62135596800), -(23*3600 + 59*60), 0, false)
	f.Add("", "", "", "", int64(253402300800), 24*3600, 0, true)
	f.Add("x", "y", "z", "p", int64(-62135596801), 0, 2, false)
	f.Fuzz(func(t *testing.T, key, name, address, period string, unix int64, offset, tasks int, empty bool) {
		n := remindd.Notification{Key: key, Rule: remindd.Rule(name), Recipient: remindd.Recipient{Kind: period, ID: key},
			Name: name, Channel: address, Address: address, Period: period,
			At: time.Unix(unix, int64(offset)%1e9).In(time.FixedZone("", offset%(48*3600)))}
		switch {
		case tasks > 0:
			for i := range tasks % 20 {
				n.Tasks = append(n.Tasks, i*offset)
			}
		case empty:
			n.Tasks = []int{}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("  ", "  ")
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(&n)
		got, ok := appendNotification(nil, &n)
		switch {
		case !ok && wantErr == nil:
			t.Errorf("appendNotification refused what encoding/json writes:\n%s", want.Bytes())
		case ok && wantErr != nil:
			t.Errorf("appendNotification wrote what encoding/json refuses (%v):\n%s", wantErr, got)
		case ok && string(got)+"\n" != want.String():
			t.Errorf("appendNotification:\n%s\nencoding/json:\n%s", got, want.Bytes())
		}
	})
}

// TestAppendNotificationKnowsEveryField: appendNotification writes the
// fields of Notification it knows; a new one must be added there.
func TestAppendNotificationKnowsEveryField(t *testing.T) {
	var got []string
	typ := reflect.TypeFor[remindd.Notification]()
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Tag.Get("json"))
	}
	want := []string{"key", "rule", "recipient", "name", "channel", "address,omitempty", "at", "tasks",
		"milestones,omitempty", "digest,omitempty", "period,omitempty"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Notification's JSON fields changed: update appendNotification (-known +now):\n%s", diff)
	}
}
