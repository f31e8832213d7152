package remindd_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// TestNotificationJSON: the hand-written items of a morning message (one
// object per task) and the rest of it read back as encoding/json writes
// them, by either path, and back again into parts.
func TestNotificationJSON(t *testing.T) {
	may, apr := plan.Date{Year: 2024, Month: 5, Day: 31}, plan.Date{Year: 2024, Month: 4, Day: 30}
	n := remindd.Notification{Key: "daily:section:x:2024-05-24:outbox", Rule: remindd.Daily,
		Recipient: remindd.Recipient{Kind: remindd.KindSection, ID: "x"}, Name: `名"称\<&>`, Channel: "outbox",
		At: time.Date(2024, 5, 24, 9, 0, 0, 0, time.UTC), Tasks: []int{32, 33, 44},
		Parts: remindd.Parts{
			{Key: "overdue:…", Rule: remindd.Overdue, Stage: "overdue/2024-05-19", Tasks: []int{32, 33}},
			{Key: "lead:…", Rule: remindd.Lead, Stage: "d7\n", Due: may, Tasks: []int{44}},
		}}
	// An overdue part's tasks have the deadlines the shared table gives.
	n.Deadlines = make([]plan.Date, 45)
	n.Deadlines[32], n.Deadlines[33], n.Deadlines[44] = apr, apr, may
	viaMarshal, err := json.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	viaAppend, err := n.AppendJSON([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := json.Unmarshal(viaMarshal, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(viaAppend[1:], &b); err != nil || string(viaAppend[:1]) != "x" {
		t.Fatalf("%v: %s", err, viaAppend)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("AppendJSON differs from json.Marshal (-marshal +append):\n%s", diff)
	}
	want := `[{"due":"2024-04-30","rule":"overdue","stage":"overdue/2024-05-19","task":32},{"due":"2024-04-30","rule":"overdue","stage":"overdue/2024-05-19","task":33},{"due":"2024-05-31","rule":"lead","stage":"d7\n","task":44}]`
	items, _ := json.Marshal(a["items"])
	if string(items) != want {
		t.Errorf("items %s\nwant %s", items, want)
	}
	var back remindd.Notification
	if err := json.Unmarshal(viaMarshal, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Parts) != 3 || back.Parts[1].Due != apr || back.Parts[2].Stage != "d7\n" || back.Parts[2].Tasks[0] != 44 {
		t.Errorf("read back %+v", back.Parts)
	}
}
