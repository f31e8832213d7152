package daemon

import "testing"

func TestMaxConnsFor(t *testing.T) {
	for _, tc := range []struct {
		files uint64
		want  int
	}{
		{1024, 256}, // the soft limit of most services: a quarter of it
		{400, 100},
		{2, 1},
		{1 << 20, 256}, // systemd's hard limit, raised to by the Go runtime: the ceiling
	} {
		if got := maxConnsFor(tc.files); got != tc.want {
			t.Errorf("maxConnsFor(%d) = %d, want %d", tc.files, got, tc.want)
		}
	}
}
