package neighbors_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
)

// lcg returns n pseudo-random values in [0, levels) as float64 (levels 0: uniform [0, 1)).
func lcg(n, levels int, seed uint64) []float64 {
	out := make([]float64, n)
	for i := range out {
		seed = seed*6364136223846793005 + 1442695040888963407
		u := float64(seed>>11) / (1 << 53)
		if levels > 0 {
			u = math.Floor(u * float64(levels))
		}
		out[i] = u
	}
	return out
}

// TestBruteMatchesTree checks that brute force (several GEMM chunks of query rows) and the
// k-d tree return the same neighbours, ties included, for every tree metric.
func TestBruteMatchesTree(t *testing.T) {
	for _, levels := range []int{0, 5} {
		X := tensor.FromSlice(lcg(3000*3, levels, 1), 3000, 3)
		Xq := tensor.FromSlice(lcg(700*3, levels, 2), 700, 3)
		y := tensor.FromSlice(lcg(3000, 3, 3), 3000)
		for _, metric := range []string{"euclidean", "manhattan", "minkowski"} {
			var got [2][]int64
			var dist [2][]float64
			for a, algo := range []string{"brute", "kd_tree"} {
				c := neighbors.NewKNeighborsClassifier()
				c.Algorithm, c.Metric, c.P = algo, metric, 3
				if err := c.Fit(X, y); err != nil {
					t.Fatal(err)
				}
				d, i, err := c.KNeighbors(Xq, 9)
				if err != nil {
					t.Fatal(err)
				}
				got[a], dist[a] = i.Int64s(), d.Float64s()
			}
			if !slices.Equal(got[0], got[1]) {
				t.Errorf("levels %d, %s: brute and kd_tree neighbours differ", levels, metric)
			}
			for i := range dist[0] {
				if math.Abs(dist[0][i]-dist[1][i]) > 1e-12 {
					t.Fatalf("levels %d, %s: distance %d: %g vs %g", levels, metric, i, dist[0][i], dist[1][i])
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 0, 1, 1, 2, 2}, 3, 2)
	y := tensor.FromSlice([]int64{0, 1, 1}, 3)
	nan := tensor.FromSlice([]float64{0, math.NaN(), 1, 1, 2, 2}, 3, 2)
	set := func(f func(p *neighbors.Params)) *neighbors.KNeighborsClassifier {
		c := neighbors.NewKNeighborsClassifier()
		c.NNeighbors = 2
		f(&c.Params)
		return c
	}
	for _, tc := range []struct {
		c    *neighbors.KNeighborsClassifier
		X, y *tensor.Tensor
		want string
	}{
		{neighbors.NewKNeighborsClassifier(), X, y, "NNeighbors=5 but only 3 training samples"},
		{set(func(p *neighbors.Params) {}), X.Narrow(0, 0, 1), y.Narrow(0, 0, 1), "NNeighbors=2 but only 1 training samples"},
		{set(func(p *neighbors.Params) {}), nan, y, "X contains NaN (sample 0, feature 1)"},
		{set(func(p *neighbors.Params) {}), X, y.Narrow(0, 0, 2), "y has 2 values but X has 3 samples"},
		{set(func(p *neighbors.Params) {}), X, tensor.FromSlice([]float64{0, 0.5, 1}, 3), "class labels must be integers"},
		{set(func(p *neighbors.Params) {}), X.Reshape(6), y, "X must be 2-D"},
		{set(func(p *neighbors.Params) { p.NNeighbors = 0 }), X, y, "NNeighbors must be > 0"},
		{set(func(p *neighbors.Params) { p.Weights = "gaussian" }), X, y, "Weights must be"},
		{set(func(p *neighbors.Params) { p.Metric = "chebyshev" }), X, y, "Metric must be"},
		{set(func(p *neighbors.Params) { p.P = 0.5 }), X, y, "P must be a finite number ≥ 1"},
		{set(func(p *neighbors.Params) { p.Algorithm = "ball_tree" }), X, y, "Algorithm must be"},
		{set(func(p *neighbors.Params) { p.Metric, p.Algorithm = "cosine", "kd_tree" }), X, y, "not valid for Algorithm \"kd_tree\""},
		{set(func(p *neighbors.Params) { p.LeafSize = 0 }), X, y, "LeafSize must be ≥ 1"},
	} {
		if err := tc.c.Fit(tc.X, tc.y); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Fit error %v, want %q", err, tc.want)
		}
	}

	c := neighbors.NewKNeighborsClassifier()
	if _, err := c.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Predict before Fit: %v", err)
	}
	c.NNeighbors = 1
	if err := c.Fit(X.Narrow(0, 0, 1), y.Narrow(0, 0, 1)); err != nil {
		t.Fatalf("one sample, one neighbour: %v", err)
	}
	if _, err := c.Predict(tensor.FromSlice([]float64{1, 2, 3}, 1, 3)); err == nil || !strings.Contains(err.Error(), "X has 3 features, but the estimator was fitted with 2") {
		t.Errorf("wrong feature count: %v", err)
	}
	if _, _, err := c.KNeighbors(X, 2); err == nil || !strings.Contains(err.Error(), "k=2 but only 1 training samples: Expected n_neighbors <= n_samples_fit") {
		t.Errorf("k too large: %v", err)
	}
	r := neighbors.NewKNeighborsRegressor()
	r.NNeighbors = 2
	if err := r.Fit(X, tensor.FromSlice([]float64{0, math.Inf(1), 1}, 3)); err == nil || !strings.Contains(err.Error(), "y contains +Inf") {
		t.Errorf("infinite target: %v", err)
	}
	if _, err := r.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("regressor Predict before Fit: %v", err)
	}
}

// TestDistanceWeightsAtZero checks scikit-learn's rule: a query equal to training points
// uses those points only.
func TestDistanceWeightsAtZero(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 0, 1, 2}, 4, 1)
	r := neighbors.NewKNeighborsRegressor()
	r.NNeighbors, r.Weights = 3, "distance"
	if err := r.Fit(X, tensor.FromSlice([]float64{1, 3, 100, 100}, 4)); err != nil {
		t.Fatal(err)
	}
	p, err := r.Predict(tensor.FromSlice([]float64{0}, 1, 1))
	if err != nil || p.Float64s()[0] != 2 {
		t.Errorf("prediction %v (%v), want 2", p, err)
	}
}

// TestFloat32BruteMatchesExact checks that euclidean brute force on float32 X (float32
// products, exact recomputation, fallback scans for unprovable candidates) returns the
// neighbours and distances of the exact k-d tree on the same values, with and without
// massive ties, over several query and training blocks.
func TestFloat32BruteMatchesExact(t *testing.T) {
	for _, levels := range []int{0, 3, 1} { // 1: all rows equal, answered by exact scans
		const n, q, d, k = 2500, 900, 20, 7
		X := tensor.FromSlice(lcg(n*d, levels, 4), n, d).To(tensor.Float32)
		Xq := tensor.FromSlice(lcg(q*d, levels, 5), q, d).To(tensor.Float32)
		y := tensor.FromSlice(lcg(n, 3, 6), n)
		var got [2][]int64
		var dist [2][]float64
		for a, algo := range []string{"brute", "kd_tree"} {
			c := neighbors.NewKNeighborsClassifier()
			c.Algorithm = algo
			if err := c.Fit(X, y); err != nil {
				t.Fatal(err)
			}
			dd, i, err := c.KNeighbors(Xq, k)
			if err != nil {
				t.Fatal(err)
			}
			got[a], dist[a] = i.Int64s(), dd.Float64s()
		}
		if !slices.Equal(got[0], got[1]) {
			t.Errorf("levels %d: float32 brute and kd_tree neighbours differ", levels)
		}
		if !slices.Equal(dist[0], dist[1]) {
			t.Errorf("levels %d: float32 brute and kd_tree distances differ", levels)
		}
	}
}

// TestHugeValues checks that values whose squares overflow float32 give the exact
// neighbours (by exact float64 scans) instead of a panic or wrong answers.
func TestHugeValues(t *testing.T) {
	X := tensor.FromSlice([]float32{1e30, 0, -1e30, 0, 0, 1e30, 3e30, 3e30, 0, 0}, 5, 2)
	c := neighbors.NewKNeighborsClassifier()
	c.Algorithm, c.NNeighbors = "brute", 2
	if err := c.Fit(X, tensor.FromSlice([]int64{0, 1, 0, 1, 0}, 5)); err != nil {
		t.Fatal(err)
	}
	_, idx, err := c.KNeighbors(tensor.FromSlice([]float32{9e29, 0, 3e30, 2.9e30}, 2, 2), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := idx.Int64s(), []int64{0, 4, 3, 0}; !slices.Equal(got, want) {
		t.Errorf("neighbours %v, want %v", got, want)
	}
}
