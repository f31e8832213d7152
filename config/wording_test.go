package config_test

import (
	"os"
	"path/filepath"
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
			`F:2: unknown field "catchup" (field catchup not found in type config.Config)`},
		{"wrong type", "rules:\n  overdue_every_days: weekly\n",
			"F:3: `weekly` is not a whole number (cannot unmarshal !!str `weekly` into int)"},
		{"a number for a list", "rules:\n  lead_days: 7\n",
			"F:3: `7` is not a list of whole numbers (cannot unmarshal !!int `7` into []int)"},
		{"fraction", "rules:\n  lead_days: [7, 3, 1.5, 0]\n",
			"F:3: rules.lead_days[2]: 1.5 is not a whole number"},
		{"octal", "delivery:\n  batch: 010\n",
			"F:3: delivery.batch: 010 is not a plain decimal number (YAML reads it as 8): write the number in decimal digits, without a leading zero"},
		{"syntax error", "rules:\n\tlead_days: [7]\n",
			"F:3: found character that cannot start any token"},
		{"unclosed flow mapping", "office: {contacts: [{channel: log}]\n",
			"F:2: did not find expected ',' or '}'"},
		{"bad duration", "catch_up: a week\n",
			`F:2: "a week" is not a duration such as 168h or 7d`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte("plan: "+plan+"\n"+tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path)
			want := path + tc.want[1:]
			if err == nil || err.Error() != want {
				t.Errorf("error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}
