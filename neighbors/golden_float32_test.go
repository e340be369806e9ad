package neighbors_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// float32 values of integer multiples of 2⁻²⁰, as gen_neighbors_float32.py stores them.
func scaled(rows [][]int64) *tensor.Tensor {
	out := make([]float32, 0, len(rows)*len(rows[0]))
	for _, r := range rows {
		for _, v := range r {
			out = append(out, float32(v)/(1<<20))
		}
	}
	return tensor.FromSlice(out, len(rows), len(rows[0]))
}

// TestGoldenFloat32 checks float32 brute force (float32 products, exact recomputation)
// against scikit-learn 1.2.1's float32 kneighbors: the same neighbour indices and distances
// within scikit-learn's float64 GEMM rounding (on the grid, up to the order of exact ties).
func TestGoldenFloat32(t *testing.T) {
	var g struct {
		Cases []struct {
			Name  string
			X, Xq [][]int64
			Y     []int64
			Dist  [][]float64
			Ind   [][]int64
		}
	}
	if err := tensortest.LoadJSON("../testdata/golden/neighbors_float32.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		m := neighbors.NewKNeighborsClassifier()
		m.Algorithm = "brute"
		if err := m.Fit(scaled(c.X), tensor.FromSlice(c.Y, len(c.Y))); err != nil {
			t.Fatal(err)
		}
		dist, ind, err := m.KNeighbors(scaled(c.Xq), 5)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range slices.Concat(c.Dist...) {
			if got := dist.Float64s()[i]; math.Abs(got-want) > 1e-6 {
				t.Fatalf("%s: distance %d: %g, want %g", c.Name, i, got, want)
			}
		}
		if c.Name != "grid8" {
			if !slices.Equal(ind.Int64s(), slices.Concat(c.Ind...)) {
				t.Errorf("%s: neighbour indices differ from scikit-learn's", c.Name)
			}
			continue
		}
		// On the grid, scikit-learn orders exact ties arbitrarily: compare the neighbours
		// strictly nearer than the k-th distance, as sets.
		for r, want := range c.Ind {
			got, d := ind.Int64s()[r*5:(r+1)*5], dist.Float64s()[r*5:(r+1)*5]
			var a, b []int64
			for j := range 5 {
				if d[j] < d[4] {
					a = append(a, got[j])
				}
				if c.Dist[r][j] < c.Dist[r][4] {
					b = append(b, want[j])
				}
			}
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Errorf("%s: query %d: neighbours %v, scikit-learn's %v", c.Name, r, got, want)
			}
		}
	}
}
