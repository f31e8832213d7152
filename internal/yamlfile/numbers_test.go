package yamlfile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/remindd/remindd/internal/yamlfile"
)

type selfDecoded int

func (s *selfDecoded) UnmarshalYAML(n *yaml.Node) error { *s = selfDecoded(len(n.Value)); return nil }

type inner struct {
	Round int `yaml:"round"`
}

type named struct {
	inner `yaml:",inline"`
	ID    string `yaml:"id"`
}

type doc struct {
	Count    int            `yaml:"count"`
	Days     []int          `yaml:"days"`
	Targets  map[string]int `yaml:"targets"`
	Cycle    *inner         `yaml:"cycle"`
	Items    []named        `yaml:"items"`
	Text     string         `yaml:"text"`
	Own      selfDecoded    `yaml:"own"`
	Untagged int
	Skipped  int `yaml:"-"`
}

func TestWholeNumbers(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // FILE:LINE: FIELD: message
	}{
		{"plain decimal numbers pass", "count: 3\ndays: [7, 3, +1, 0, -2]\ntargets: {a: 10}\ntext: 1.5\nown: 1.5\n", nil},
		{"fraction in a list", "days: [7, 3, 1.5, 0]\n",
			[]string{"f.yaml:1: days[2]: 1.5 is not a whole number"}},
		{"fraction in a map and a pointer", "targets:\n  a: 1\n  b: 99.9\ncycle: {round: 2.5}\n",
			[]string{"f.yaml:3: targets.b: 99.9 is not a whole number", "f.yaml:4: cycle.round: 2.5 is not a whole number"}},
		{"float that is whole", "count: 7.0\n",
			[]string{"f.yaml:1: count: 7.0 is not a plain decimal number (YAML reads it as 7): write a whole number in decimal digits"}},
		{"octal", "count: 054\n",
			[]string{"f.yaml:1: count: 054 is not a plain decimal number (YAML reads it as 44): write the number in decimal digits, without a leading zero"}},
		{"hex, underscore, binary, exponent", "days: [0x2c, 1_0, 0b101, 1e3]\n", []string{
			"f.yaml:1: days[0]: 0x2c is not a plain decimal number (YAML reads it as 44)",
			"f.yaml:1: days[1]: 1_0 is not a plain decimal number (YAML reads it as 10)",
			"f.yaml:1: days[2]: 0b101 is not a plain decimal number (YAML reads it as 5)",
			"f.yaml:1: days[3]: 1e3 is not a plain decimal number (YAML reads it as 1000)",
		}},
		{"inline struct in a list", "items:\n  - {id: a, round: 1}\n  - id: b\n    round: 5.9\n",
			[]string{"f.yaml:4: items[1].round: 5.9 is not a whole number"}},
		{"field named by its Go name", "untagged: 2.5\n", []string{"f.yaml:1: untagged: 2.5 is not a whole number"}},
		{"alias reported where it is used", "x: &half 0.5\ncount: *half\n",
			[]string{"f.yaml:1: count: 0.5 is not a whole number"}},
		{"merge key", "base: &b {round: 1.5}\ncycle:\n  <<: *b\n",
			[]string{"f.yaml:1: base.round: 1.5 is not a whole number", "f.yaml:1: cycle.round: 1.5 is not a whole number"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var d struct {
				doc  `yaml:",inline"`
				X    any    `yaml:"x"`
				Base *inner `yaml:"base"`
			}
			_, err := yamlfile.Decode("f.yaml", []byte(tc.src), &d)
			var got []string
			if err != nil {
				ps, ok := err.(yamlfile.Problems)
				if !ok {
					t.Fatalf("error %T %v, want Problems", err, err)
				}
				for _, p := range ps {
					got = append(got, p.Error())
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d:\n%s\nwant it to start with\n%s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestWholeNumbersKeepsValues checks that plain numbers decode as before.
func TestWholeNumbersKeepsValues(t *testing.T) {
	var d doc
	if _, err := yamlfile.Decode("f.yaml", []byte("count: 3\ndays: [7, 0]\ntargets: {a: 10}\nown: abc\n"), &d); err != nil {
		t.Fatal(err)
	}
	want := doc{Count: 3, Days: []int{7, 0}, Targets: map[string]int{"a": 10}, Own: 3}
	if diff := cmp.Diff(want, d, cmp.AllowUnexported(doc{})); diff != "" {
		t.Error(diff)
	}
}
