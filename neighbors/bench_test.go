package neighbors_test

import (
	"testing"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
)

// BenchmarkKNeighbors times 1,000 queries of 10 neighbours among 20,000 training samples.
func BenchmarkKNeighbors(b *testing.B) {
	for _, bc := range []struct {
		name, algo string
		d          int
	}{{"brute_d32", "brute", 32}, {"brute_d3", "brute", 3}, {"kd_tree_d3", "kd_tree", 3}} {
		b.Run(bc.name, func(b *testing.B) {
			const n, q = 20000, 1000
			X := tensor.FromSlice(lcg(n*bc.d, 0, 1), n, bc.d)
			Xq := tensor.FromSlice(lcg(q*bc.d, 0, 2), q, bc.d)
			c := neighbors.NewKNeighborsClassifier()
			c.Algorithm = bc.algo
			if err := c.Fit(X, tensor.FromSlice(lcg(n, 3, 3), n)); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := c.KNeighbors(Xq, 10); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(q*b.N)/b.Elapsed().Seconds(), "queries/s")
		})
	}
}

// BenchmarkKNeighborsTarget is the speed target's workload: 10,000 float32 queries of 5
// neighbours among 100,000 training samples of 50 features (brute force). Run it with
// -cpu 1,2.
func BenchmarkKNeighborsTarget(b *testing.B) {
	const n, q, d = 100000, 10000, 50
	X := tensor.FromSlice(lcg(n*d, 0, 1), n, d).To(tensor.Float32)
	Xq := tensor.FromSlice(lcg(q*d, 0, 2), q, d).To(tensor.Float32)
	c := neighbors.NewKNeighborsClassifier()
	if err := c.Fit(X, tensor.FromSlice(lcg(n, 3, 3), n)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := c.KNeighbors(Xq, 5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "query_s")
}
