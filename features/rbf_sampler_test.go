package features_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/tensor"
)

// TestRBFSamplerApproximatesKernel: with D random features, z(x)·z(y) estimates
// exp(−γ‖x−y‖²) with standard error ≤ 1/√D per pair; the mean absolute error over all
// pairs shrinks as D grows, is below 0.05 at D = 2000, and the sampler is unbiased
// (the mean signed error is near 0).
func TestRBFSamplerApproximatesKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([][]float64, 30)
	for i := range rows {
		rows[i] = []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
	}
	X := tensor.FromRows(rows)
	const gamma = 0.3
	exact, err := features.RBF{Centers: X, Gamma: gamma}.Transform(X)
	if err != nil {
		t.Fatal(err)
	}
	k := exact.Float64s()
	prev := math.Inf(1)
	for _, d := range []int{100, 500, 2000} {
		s := &features.RBFSampler{Gamma: gamma, NComponents: d, RandomState: 42}
		Z, err := s.FitTransform(X)
		if err != nil {
			t.Fatal(err)
		}
		z := Z.Float64s()
		n := len(rows)
		absErr, signed := 0.0, 0.0
		for i := range n {
			for j := range n {
				dot := 0.0
				for c := range d {
					dot += z[i*d+c] * z[j*d+c]
				}
				absErr += math.Abs(dot - k[i*n+j])
				signed += dot - k[i*n+j]
			}
		}
		absErr /= float64(n * n)
		signed /= float64(n * n)
		if absErr > 1/math.Sqrt(float64(d)) || absErr >= prev {
			t.Errorf("D=%d: mean |error| %.4f (previous %.4f, bound %.4f)", d, absErr, prev, 1/math.Sqrt(float64(d)))
		}
		if math.Abs(signed) > 2/math.Sqrt(float64(d)) {
			t.Errorf("D=%d: mean signed error %.4f: biased", d, signed)
		}
		prev = absErr
		t.Logf("D=%d: mean |error| %.4f, mean signed error %.4f", d, absErr, signed)
	}
	if prev > 0.05 {
		t.Errorf("D=2000: mean |error| %.4f > 0.05", prev)
	}
}

func TestRBFSamplerSeedAndErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{0, 1}, {2, 3}})
	a, b := features.NewRBFSampler(), features.NewRBFSampler()
	za, _ := a.FitTransform(X)
	zb, _ := b.FitTransform(X)
	if got, want := za.Float64s(), zb.Float64s(); len(got) != 200 || got[7] != want[7] {
		t.Errorf("same seed, different features (or wrong size %d)", len(got))
	}
	if s := a.RandomWeights.Shape(); s[0] != 2 || s[1] != 100 {
		t.Errorf("RandomWeights shape %v", s)
	}
	for _, bad := range []*features.RBFSampler{{Gamma: 0, NComponents: 10}, {Gamma: 1, NComponents: 0}} {
		if err := bad.Fit(X); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	s := features.NewRBFSampler()
	if _, err := s.Transform(X); err == nil {
		t.Error("Transform before Fit: no error")
	}
	if err := s.Fit(tensor.FromRows([][]float64{{math.NaN()}})); err == nil {
		t.Error("NaN: no error")
	}
}
