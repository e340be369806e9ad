package neighbors_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/internal/statetest"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/tensor"
)

type stateful interface {
	statetest.Supervised
	KNeighbors(X *tensor.Tensor, k int) (*tensor.Tensor, *tensor.Tensor, error)
}

// answers returns everything a fitted estimator computes on Xq, flattened to float64.
func answers(t *testing.T, m stateful, Xq, yq *tensor.Tensor) []float64 {
	t.Helper()
	d, i, err := m.KNeighbors(Xq, 3)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Predict(Xq)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Score(Xq, yq)
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Concat(d.Float64s(), i.Float64s(), p.Float64s(), []float64{s})
	if c, ok := m.(*neighbors.KNeighborsClassifier); ok {
		pp, err := c.PredictProba(Xq)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pp.Float64s()...)
	}
	return out
}

func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestStateRoundTrip fits every estimator in every index configuration, restores it into a
// zero value from its state and checks bit-identical answers.
func TestStateRoundTrip(t *testing.T) {
	const n, q, d = 600, 50, 4
	for _, tc := range []struct {
		name, algo, metric, weights string
		dt                          tensor.DType
	}{
		{"float32 brute", "brute", "minkowski", "uniform", tensor.Float32},
		{"float64 brute", "brute", "euclidean", "distance", tensor.Float64},
		{"int64 kd_tree", "kd_tree", "manhattan", "uniform", tensor.Int64},
		{"cosine", "auto", "cosine", "distance", tensor.Float64},
	} {
		X := tensor.FromSlice(lcg(n*d, 9, 1), n, d).To(tc.dt)
		Xq := tensor.FromSlice(lcg(q*d, 9, 2), q, d).To(tc.dt)
		for _, reg := range []bool{false, true} {
			var m, back stateful
			y, yq := tensor.FromSlice(lcg(n, 3, 3), n), tensor.FromSlice(lcg(q, 3, 4), q)
			if reg {
				r := neighbors.NewKNeighborsRegressor()
				r.Algorithm, r.Metric, r.Weights = tc.algo, tc.metric, tc.weights
				m, back = r, &neighbors.KNeighborsRegressor{}
				y, yq = tensor.FromSlice(lcg(n, 0, 3), n), tensor.FromSlice(lcg(q, 0, 4), q)
			} else {
				c := neighbors.NewKNeighborsClassifier()
				c.Algorithm, c.Metric, c.Weights = tc.algo, tc.metric, tc.weights
				m, back = c, &neighbors.KNeighborsClassifier{}
			}
			if err := m.Fit(X, y); err != nil {
				t.Fatal(err)
			}
			statetest.RoundTrip(t, m, back)
			if !sameBits(answers(t, m, Xq, yq), answers(t, back, Xq, yq)) {
				t.Errorf("%s (regressor %v): restored estimator answers differently", tc.name, reg)
			}
		}
	}
}

// TestStateCorrupt checks that every kind of corrupted state is an error, not a panic.
func TestStateCorrupt(t *testing.T) {
	X := tensor.FromSlice(lcg(40*3, 0, 1), 40, 3)
	c := neighbors.NewKNeighborsClassifier()
	if err := c.Fit(X, tensor.FromSlice(lcg(40, 3, 2), 40)); err != nil {
		t.Fatal(err)
	}
	params, arrays, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	with := func(name string, v *tensor.Tensor) map[string]*tensor.Tensor {
		out := map[string]*tensor.Tensor{}
		for k, a := range arrays {
			out[k] = a
		}
		if v == nil {
			delete(out, name)
		} else {
			out[name] = v
		}
		return out
	}
	bad := X.Float64s() // a copy
	bad[5] = math.NaN()
	for _, tc := range []struct {
		params string
		arrays map[string]*tensor.Tensor
		want   string
	}{
		{"{", arrays, "bad params"},
		{`{"n_neighbors":5,"extra":1}`, arrays, "bad params"},
		{string(params) + "{}", arrays, "trailing data"},
		{strings.Replace(string(params), `"n_neighbors":5`, `"n_neighbors":41`, 1), arrays, "Expected n_neighbors <= n_samples_fit"},
		{strings.Replace(string(params), `"n_neighbors":5`, `"n_neighbors":0`, 1), arrays, "NNeighbors must be > 0"},
		{strings.Replace(string(params), `"minkowski"`, `"chebyshev"`, 1), arrays, "Metric must be"},
		{strings.Replace(string(params), `"auto"`, `"ball_tree"`, 1), arrays, "Algorithm must be"},
		{strings.Replace(string(params), `"leaf_size":30`, `"leaf_size":0`, 1), arrays, "LeafSize must be ≥ 1"},
		{string(params), with("fit_x", nil), `missing array "fit_x"`},
		{string(params), with("fit_x", X.To(tensor.Int64)), `"fit_x" has dtype`},
		{string(params), with("fit_x", X.Reshape(120)), "X must be 2-D"},
		{string(params), with("fit_x", tensor.FromSlice(bad, 40, 3)), "X contains NaN"},
		{string(params), with("y", nil), `missing array "y"`},
		{string(params), with("y", tensor.FromSlice(make([]int64, 39), 39)), `array "y" has shape [39]`},
		{string(params), with("y", tensor.FromSlice(append(make([]int64, 39), 3), 40)), "class index 3 at 39"},
		{string(params), with("y", tensor.FromSlice(append(make([]int64, 39), -1), 40)), "class index -1 at 39"},
		{string(params), with("classes", tensor.FromSlice([]int64{0, 2, 1}, 3)), "not strictly increasing"},
		{string(params), with("classes", tensor.FromSlice([]int64{}, 0)), `"classes" is empty`},
		{string(params), with("classes", tensor.FromSlice([]float64{0, 1, 2}, 3)), `"classes" has dtype`},
	} {
		var back neighbors.KNeighborsClassifier
		if err := back.UnmarshalState([]byte(tc.params), tc.arrays); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("params %.60s: error %v, want %q", tc.params, err, tc.want)
		}
	}
	r := neighbors.NewKNeighborsRegressor()
	if err := r.Fit(X, tensor.FromSlice(lcg(40, 0, 2), 40)); err != nil {
		t.Fatal(err)
	}
	rp, ra, err := r.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	ra["y"] = tensor.FromSlice(append(make([]float64, 39), math.Inf(1)), 40)
	if err := new(neighbors.KNeighborsRegressor).UnmarshalState(rp, ra); err == nil || !strings.Contains(err.Error(), "y contains +Inf") {
		t.Errorf("infinite target: %v", err)
	}
	for _, m := range []stateful{neighbors.NewKNeighborsClassifier(), neighbors.NewKNeighborsRegressor()} {
		if _, _, err := m.MarshalState(); err == nil || !strings.Contains(err.Error(), "not fitted") {
			t.Errorf("MarshalState before Fit: %v", err)
		}
	}
}
