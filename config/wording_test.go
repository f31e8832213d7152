package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/config"
)

// TestErrorWording pins the whole text of the errors an operator reads for
// the commonest mistakes, decoding included: a change of the YAML library
// (or of its version) that alters a message, a line or a field name fails
// here rather than in front of an operator.
func TestErrorWording(t *testing.T) {
	plan := filepath.Join(mustAbs(t, ".."), "plans", "jinjiang-2024.yaml")
	for _, tc := range []struct{ name, body, want string }{
		{"unknown field", "catchup: 7d\n",
			"F:2: catchup: unknown field (did you mean catch_up?)"},
		{"unknown field, nothing close", "rules:\n  reminders: 3\n",
			"F:3: rules.reminders: unknown field (the fields here: escalate_after_days, escalate_max, lead_days, max_items, overdue_every_days)"},
		{"wrong type", "rules:\n  overdue_every_days: weekly\n",
			"F:3: rules.overdue_every_days: `weekly` is not a whole number"},
		{"a number for a list", "rules:\n  lead_days: 7\n",
			"F:3: rules.lead_days: `7` is not a list of whole numbers"},
		{"a mapping for a list", "channels: {name: log, type: log}\n",
			"F:2: channels: a mapping is not a list"},
		{"a list for text", "office:\n  contacts:\n    - channel: [log]\n",
			"F:4: office.contacts[0].channel: a list is not text"},
		{"fraction", "rules:\n  lead_days: [7, 3, 1.5, 0]\n",
			"F:3: rules.lead_days[2]: 1.5 is not a whole number"},
		{"octal", "delivery:\n  batch: 010\n",
			"F:3: delivery.batch: 010 is not a plain decimal number (YAML reads it as 8): write the number in decimal digits, without a leading zero"},
		{"a key twice", "catch_up: 7d\nworking_days: true\ncatch_up: 3d\n",
			"F:4: catch_up: given twice (first at line 2)"},
		{"bad duration", "catch_up: a week\n",
			`F:2: catch_up: "a week" is not a duration such as 168h or 7d`},
		{"every problem of the decoding, in the file's order", "delivery:\n  batch: 1.5\n  backoff_base: soon\nrules: {lead_days: [7, 3], overdue_every_days: often}\n",
			"F:3: delivery.batch: 1.5 is not a whole number\n" +
				`F:4: delivery.backoff_base: "soon" is not a duration such as 168h or 7d` + "\n" +
				"F:5: rules.overdue_every_days: `often` is not a whole number"},
		{"syntax error", "rules:\n\tlead_days: [7]\n",
			"F:3: found character that cannot start any token"},
		{"unclosed flow mapping", "office: {contacts: [{channel: log}]\n",
			"F:2: did not find expected ',' or '}'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte("plan: "+plan+"\n"+tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path)
			want := strings.ReplaceAll(tc.want, "F:", path+":")
			if err == nil || err.Error() != want {
				t.Errorf("error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}
