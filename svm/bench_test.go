package svm

import (
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// classifData is internal/bench's ClassifData (the "svc" workload of cmd/ember bench and
// scripts/sklearn_bench.py): float32 rows uniform in [0, 1), y = (x0+x1+x2·x3−x4 > 1)
// flipped for 10% of the rows.
func classifData(n, d int, seed uint64) (X, y *tensor.Tensor) {
	splitmix := func(seed, i uint64) uint64 {
		z := seed + (i+1)*0x9E3779B97F4A7C15
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		return z ^ (z >> 31)
	}
	u := func(seed, i uint64) float32 { return float32(splitmix(seed, i)>>40) / (1 << 24) }
	x := make([]float32, n*d)
	for i := range x {
		x[i] = u(seed, uint64(i))
	}
	lab := make([]int64, n)
	for i := range n {
		r := x[i*d : i*d+5]
		v := float64(r[0])+float64(r[1])+float64(r[2])*float64(r[3])-float64(r[4]) > 1
		if u(seed+1, uint64(i)) < 0.1 {
			v = !v
		}
		if v {
			lab[i] = 1
		}
	}
	return tensor.FromSlice(x, n, d), tensor.FromSlice(lab, n)
}

// BenchmarkSVCFitRBF fits SVC() (rbf, gamma "scale", C 1) on the 10,000 × 20 "svc" bench
// workload. Compare with: /usr/bin/python3 scripts/sklearn_bench.py svc --threads 1.
func BenchmarkSVCFitRBF(b *testing.B) {
	X, Y := classifData(10000, 20, 0)
	for b.Loop() {
		if err := NewSVC().Fit(X, Y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*10000/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkSVRFitRBF fits SVR() on 2,000 × 20 rows of the same data with target x0+x1+x2·x3−x4.
func BenchmarkSVRFitRBF(b *testing.B) {
	X, _ := classifData(2000, 20, 0)
	x := X.Float64s()
	t := make([]float64, 2000)
	for i := range t {
		r := x[i*20:]
		t[i] = r[0] + r[1] + r[2]*r[3] - r[4]
	}
	Y := tensor.FromSlice(t, 2000)
	for b.Loop() {
		if err := NewSVR().Fit(X, Y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinearSVCFit fits LinearSVC() on 10,000 × 20.
func BenchmarkLinearSVCFit(b *testing.B) {
	X, Y := classifData(10000, 20, 0)
	for b.Loop() {
		if err := NewLinearSVC().Fit(X, Y); err != nil {
			b.Fatal(err)
		}
	}
}
