package svm

import (
	"math/rand/v2"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// BenchmarkSVCFitRBF fits SVC(rbf) on 10,000 × 20 samples of two overlapping Gaussians.
func BenchmarkSVCFitRBF(b *testing.B) {
	const n, d = 10000, 20
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, n*d)
	y := make([]int64, n)
	for i := range n {
		y[i] = int64(i % 2)
		for j := range d {
			x[i*d+j] = r.NormFloat64() + float64(y[i])*0.5
		}
	}
	X, Y := tensor.FromSlice(x, n, d), tensor.FromSlice(y, n)
	for b.Loop() {
		if err := NewSVC().Fit(X, Y); err != nil {
			b.Fatal(err)
		}
	}
}
