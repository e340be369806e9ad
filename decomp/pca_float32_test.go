package decomp_test

import (
	"math/rand/v2"
	"testing"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

// TestPCAFloat32MatchesFloat64 fits the randomized solver on float32 data — with small column
// means (X is multiplied uncentred and corrected) and with large ones (X is copied centred) —
// and compares with the same fit on the float64 copy of the data (the same Gaussian sketch).
func TestPCAFloat32MatchesFloat64(t *testing.T) {
	for _, offset := range []float64{0.3, 50} {
		r := rand.New(rand.NewPCG(3, 4))
		const n, d, k = 3000, 40, 5
		x := make([]float32, n*d)
		for i := range n {
			for j := range d {
				// a few strong directions plus noise
				x[i*d+j] = float32(offset + r.NormFloat64()*float64(d-j)/float64(d) + 0.01*r.NormFloat64())
			}
		}
		X32 := tensor.FromSlice(x, n, d)
		X64 := X32.To(tensor.Float64)
		var got [2]*decomp.PCA
		for i, X := range []*tensor.Tensor{X32, X64} {
			p := decomp.NewPCA(k)
			p.SVDSolver, p.RandomState = "randomized", 1
			Z, err := p.FitTransform(X)
			if err != nil {
				t.Fatal(err)
			}
			if Z.Size(0) != n || Z.Size(1) != k {
				t.Fatalf("FitTransform shape %v", Z.Shape())
			}
			got[i] = p
		}
		if err := closeUpToSign(rows(got[0].Components), rows(got[1].Components), 1e-3, true); err != nil {
			t.Errorf("offset %g: components: %v", offset, err)
		}
		if err := closeVec(vec(got[0].ExplainedVarianceRatio), vec(got[1].ExplainedVarianceRatio), 1e-4); err != nil {
			t.Errorf("offset %g: ratios: %v", offset, err)
		}
		if err := closeVec(vec(got[0].Mean), vec(got[1].Mean), 1e-6); err != nil {
			t.Errorf("offset %g: mean: %v", offset, err)
		}
		Z32, _ := got[0].Transform(X32)
		Z, _ := got[0].FitTransform(X32)
		if err := closeMat(rows(Z), rows(Z32), 1e-3); err != nil {
			t.Errorf("offset %g: FitTransform vs Transform: %v", offset, err)
		}
	}
}
