package schedule_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/jsonarray"
)

// BenchmarkSweepDecide decides the 2 June 2024 sweep and digest for a
// population of enterprises, half their early obligations done.
func BenchmarkSweepDecide(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			e := engine(b, false)
			s := &remindd.State{}
			sizes := []string{"规上", "中等", "小微"}
			sectors := []string{"tourism", "culture", "heritage-museums"}
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("91350582%010d", i)
				s.Enterprises = append(s.Enterprises, remindd.Enterprise{ID: id, Name: "企业" + id,
					Sector: sectors[i%3], Size: sizes[i%3], Email: "a@example.com", Active: true})
				for task := 1; task <= 40; task += 2 {
					s.Done.Add(task, remindd.Recipient{Kind: remindd.KindEnterprise, ID: id})
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := e.Due(s, at9(6, 2), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSweepJSON is BenchmarkSweepDecide at 100k with the JSON `due`
// writes: the morning messages' items are most of it.
func BenchmarkSweepJSON(b *testing.B) {
	e := engine(b, false)
	s := &remindd.State{}
	sizes := []string{"规上", "中等", "小微"}
	sectors := []string{"tourism", "culture", "heritage-museums"}
	for i := 0; i < 100000; i++ {
		id := fmt.Sprintf("91350582%010d", i)
		s.Enterprises = append(s.Enterprises, remindd.Enterprise{ID: id, Name: "企业" + id,
			Sector: sectors[i%3], Size: sizes[i%3], Email: "a@example.com", Active: true})
		for task := 1; task <= 40; task += 2 {
			s.Done.Add(task, remindd.Recipient{Kind: remindd.KindEnterprise, ID: id})
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ns, _, err := e.Due(s, at9(6, 2), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := jsonarray.Write(io.Discard, ns); err != nil {
			b.Fatal(err)
		}
	}
}
